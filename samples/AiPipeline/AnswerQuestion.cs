namespace Baton.Samples.AiPipeline;

/// <summary>
/// Retrieval-augmented generation as a durable workflow: embed the question, search the index, generate an answer from
/// what was found. Each step is an activity with its own timeout and retry policy (a model call is retried patiently, a
/// local search briefly), and what passes between them is references: the question's vector is stored by the embed step
/// and read by the search step, and the answerer loads the chunks' texts by id; no document text enters the history.
/// </summary>
public sealed class AnswerQuestion : Workflow<PipelineQuestion, PipelineAnswer>
{
    /// <summary>The embed step: one model call.</summary>
    public static readonly ActivityOptions EmbedStep = new()
    {
        StartToCloseTimeout = TimeSpan.FromSeconds(30),
        Retry = new RetryPolicy { MaxAttempts = 4, FirstRetryInterval = TimeSpan.FromSeconds(1) },
    };

    /// <summary>The search step: local, quick; a failure is most likely a bug, so retried only briefly.</summary>
    public static readonly ActivityOptions SearchStep = new()
    {
        StartToCloseTimeout = TimeSpan.FromSeconds(10),
        Retry = new RetryPolicy { MaxAttempts = 2, FirstRetryInterval = TimeSpan.FromMilliseconds(200) },
    };

    /// <summary>The generate step: the slowest model call, retried longest.</summary>
    public static readonly ActivityOptions GenerateStep = new()
    {
        StartToCloseTimeout = TimeSpan.FromMinutes(2),
        Retry = new RetryPolicy { MaxAttempts = 5, FirstRetryInterval = TimeSpan.FromSeconds(2), MaxRetryInterval = TimeSpan.FromSeconds(30) },
    };

    public override async Task<PipelineAnswer> RunAsync(IWorkflowContext context, PipelineQuestion question)
    {
        context.SetCustomStatus(new { stage = "embedding" });
        var vector = await context.CallActivityAsync<string>(nameof(EmbedQuestion), question.Question, EmbedStep);

        context.SetCustomStatus(new { stage = "searching" });
        var hits = await context.CallActivityAsync<List<SearchHit>>(nameof(SearchDocuments), new SearchRequest(vector, question.TopK), SearchStep);
        if (hits.Count == 0)
        {
            context.SetCustomStatus(new { stage = "done", found = 0 });
            return new PipelineAnswer("The index is empty: run the ingestion workflow (IngestDocuments) first.", [], "none");
        }

        context.SetCustomStatus(new { stage = "generating", found = hits.Count });
        var answer = await context.CallActivityAsync<PipelineAnswer>(nameof(GenerateAnswer), new GenerateRequest(question.Question, hits), GenerateStep);
        context.SetCustomStatus(new { stage = "done", found = hits.Count });
        return answer;
    }
}
