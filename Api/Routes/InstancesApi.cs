using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Baton.Api.Routes;

/// <summary>
/// The start and status routes in the Durable Functions management API shape, under
/// /runtime/webhooks/durabletask. Errors are RFC 7807 problem details.
/// </summary>
internal static class InstancesApi
{
    private const string Prefix = "/runtime/webhooks/durabletask";

    public static void MapInstances(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup(Prefix);
        group.MapPost("/orchestrators/{name}/{instanceId?}", StartAsync);
        group.MapGet("/instances/{instanceId}", GetAsync);
    }

    private static async Task<Results<Accepted<StartedInstance>, ProblemHttpResult>> StartAsync(
        string name, string? instanceId, HttpRequest request, IWorkflowClient client, CancellationToken cancellationToken)
    {
        JsonElement? input = null;
        if (request.ContentLength is > 0 || request.Headers.TransferEncoding.Count > 0)
        {
            try
            {
                using var document = await JsonDocument.ParseAsync(request.Body, cancellationToken: cancellationToken);
                input = document.RootElement.Clone();
            }
            catch (JsonException ex)
            {
                return Problem(StatusCodes.Status400BadRequest, "Malformed JSON.", $"The request body is not valid JSON: {ex.Message}");
            }
        }

        try
        {
            var id = await client.StartAsync(name, input, new StartWorkflowOptions { InstanceId = instanceId }, cancellationToken);
            var statusUri = $"{request.Scheme}://{request.Host}{Prefix}/instances/{Uri.EscapeDataString(id)}";
            return TypedResults.Accepted(statusUri, new StartedInstance(id, statusUri));
        }
        catch (WorkflowNotRegisteredException ex)
        {
            return Problem(StatusCodes.Status404NotFound, "Unknown workflow.", ex.Message);
        }
        catch (Exception ex) when (ex is InvalidInstanceIdException or InvalidWorkflowInputException)
        {
            return Problem(StatusCodes.Status400BadRequest, "Invalid request.", ex.Message);
        }
    }

    private static async Task<Results<Ok<WorkflowStatus>, Accepted<WorkflowStatus>, ProblemHttpResult>> GetAsync(
        string instanceId, bool? showHistory, HttpResponse response, IWorkflowClient client, CancellationToken cancellationToken)
    {
        WorkflowStatus? status;
        try
        {
            status = await client.GetStatusAsync(instanceId, showHistory ?? false, cancellationToken);
        }
        catch (InvalidInstanceIdException ex)
        {
            return Problem(StatusCodes.Status400BadRequest, "Invalid instance id.", ex.Message);
        }

        if (status is null)
        {
            return Problem(StatusCodes.Status404NotFound, "Unknown instance.", $"No workflow instance has the id '{instanceId}'.");
        }

        if (status.RuntimeStatus.IsTerminal())
        {
            return TypedResults.Ok(status);
        }

        response.Headers.RetryAfter = "1";
        return TypedResults.Accepted((string?)null, status);
    }

    private static ProblemHttpResult Problem(int status, string title, string detail) =>
        TypedResults.Problem(statusCode: status, title: title, detail: detail);

    /// <summary>The body of a 202 answer to a start.</summary>
    /// <param name="Id">The instance id.</param>
    /// <param name="StatusQueryGetUri">Where to poll the instance's status.</param>
    internal sealed record StartedInstance(string Id, string StatusQueryGetUri);
}
