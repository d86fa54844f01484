using Microsoft.Extensions.AI;

namespace Baton.Samples.AiPipeline;

/// <summary>Embeds the question and stores its vector; answers the reference the search step reads it by.</summary>
public sealed class EmbedQuestion(IEmbeddingGenerator<string, Embedding<float>> embedder, DocumentIndex index) : Activity<string, string>
{
    public override async Task<string> RunAsync(ActivityContext context, string question)
    {
        var vector = await embedder.GenerateVectorAsync(question, cancellationToken: context.CancellationToken);
        var reference = $"{context.InstanceId}/{context.StepId}";
        await index.PutQueryVectorAsync(reference, vector, context.CancellationToken);
        return reference;
    }
}

/// <summary>Finds the chunks most similar to the question; answers references to them, not their text.</summary>
public sealed class SearchDocuments(DocumentIndex index) : Activity<SearchRequest, IReadOnlyList<SearchHit>>
{
    public override async Task<IReadOnlyList<SearchHit>> RunAsync(ActivityContext context, SearchRequest request)
    {
        var vector = await index.ReadQueryVectorAsync(request.VectorRef, context.CancellationToken);
        return await index.SearchAsync(vector, request.TopK, context.CancellationToken);
    }
}

/// <summary>Loads the found chunks' texts and has the configured answerer (a model, or the offline extractive one) answer.</summary>
public sealed class GenerateAnswer(IAnswerer answerer, DocumentIndex index) : Activity<GenerateRequest, PipelineAnswer>
{
    public override async Task<PipelineAnswer> RunAsync(ActivityContext context, GenerateRequest request)
    {
        var texts = await index.ReadChunksAsync(request.Hits.Select(h => h.ChunkId).ToList(), context.CancellationToken);
        var byId = texts.ToDictionary(t => t.Id, t => t.Text, StringComparer.Ordinal);
        var sources = request.Hits.Where(h => byId.ContainsKey(h.ChunkId)).Select(h => (h, byId[h.ChunkId])).ToList();
        var answer = await answerer.AnswerAsync(request.Question, sources, context.CancellationToken);
        return new PipelineAnswer(answer, sources.Select(s => s.h).ToList(), answerer.Name);
    }
}
