using Baton.Api.Hosting;

namespace Baton.Samples.AiPipeline;

/// <summary>The pipeline's own starter route, shaped as the Durable Functions AI recipe's.</summary>
public static class PipelineRoutes
{
    /// <summary>
    /// Maps <c>POST /api/pipeline/start</c>: the body is a <see cref="PipelineQuestion"/>, checked by the start itself (every
    /// field error by its JSON name, in a 400 problem, and nothing started); the answer is 202 with the instance id and its
    /// status URI, under Baton's access control.
    /// </summary>
    /// <param name="app">The routes.</param>
    /// <returns>The route.</returns>
    public static RouteHandlerBuilder MapPipelineStart(this IEndpointRouteBuilder app) =>
        app.MapPost("/api/pipeline/start", async (HttpRequest request, IWorkflowClient client, CancellationToken cancellationToken) =>
            {
                var body = await BatonEndpoints.ReadJsonBodyAsync(request, cancellationToken);
                // The client validates the JSON against the workflow's input type, as every start path does, so the errors
                // name fields as the caller wrote them (top_k) and a refused start stores nothing.
                var instanceId = await client.StartAsync(nameof(AnswerQuestion), body, cancellationToken: cancellationToken);
                var status = BatonEndpoints.StatusQueryGetUri(request, instanceId);
                return Results.Accepted(status, new PipelineStarted(instanceId, status));
            })
            .RequireBatonOperator()
            .WithName("StartPipeline")
            .WithTags("Pipeline")
            .WithSummary("Answers a question from the indexed documents: embed, search, generate, as a durable workflow.")
            .Accepts<PipelineQuestion>("application/json")
            .Produces<PipelineStarted>(StatusCodes.Status202Accepted)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
}
