using Baton.Api.Access;
using System.Text.Json;
using Baton.Api.Http;
using Baton.Api.OpenApi;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Baton.Api.Routes;

/// <summary>
/// Operator requests to one instance, in the Durable Functions management API shape: raise event, terminate, suspend,
/// resume, restart and rewind. Each answers 202 once the request is durable; the instance acts on it at its next turn.
/// </summary>
internal static class InstanceControlApi
{
    public static void MapInstanceControl(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup(ManagementUris.Prefix + "/instances/{instanceId}").RequireAuthorization(AccessPolicies.Operate).WithTags("Instances")
            .WithProblems(StatusCodes.Status400BadRequest, StatusCodes.Status401Unauthorized, StatusCodes.Status403Forbidden, StatusCodes.Status404NotFound, StatusCodes.Status503ServiceUnavailable);
        group.MapPost("/raiseEvent/{eventName}", RaiseEventAsync)
            .WithSummary("Raises an event on a running instance; the body is the event's data (any JSON).")
            .Accepts<JsonElement>(isOptional: true, "application/json")
            .WithProblems(StatusCodes.Status410Gone, StatusCodes.Status413PayloadTooLarge, StatusCodes.Status415UnsupportedMediaType);
        group.MapPost("/terminate", (string instanceId, string? reason, [FromKeyedServices(RequestNamespace.Client)] IWorkflowClient client, CancellationToken ct) =>
                Accept(client.TerminateAsync(instanceId, reason, ct)))
            .WithSummary("Terminates a live instance, with a reason.")
            .WithProblems(StatusCodes.Status410Gone);
        group.MapPost("/suspend", (string instanceId, string? reason, [FromKeyedServices(RequestNamespace.Client)] IWorkflowClient client, CancellationToken ct) =>
                Accept(client.SuspendAsync(instanceId, reason, ct)))
            .WithSummary("Suspends a live instance: it takes no step until resumed (a suspended one is left as it is).")
            .WithProblems(StatusCodes.Status410Gone);
        group.MapPost("/resume", (string instanceId, string? reason, [FromKeyedServices(RequestNamespace.Client)] IWorkflowClient client, CancellationToken ct) =>
                Accept(client.ResumeAsync(instanceId, reason, ct)))
            .WithSummary("Resumes a suspended instance (one that is not suspended is left as it is).")
            .WithProblems(StatusCodes.Status410Gone);
        group.MapPost("/rewind", (string instanceId, string? reason, [FromKeyedServices(RequestNamespace.Client)] IWorkflowClient client, CancellationToken ct) =>
                Accept(client.RewindAsync(instanceId, reason, ct)))
            .WithMetadata(new BatonProblems.TextForDurableClients())
            .WithSummary("Rewinds a failed instance: its failed steps run again.")
            .WithProblems(StatusCodes.Status412PreconditionFailed);
        group.MapPost("/restart", RestartAsync)
            .WithSummary("Restarts a finished instance with its input, under the same id or (restartWithNewInstanceId=true) a new one.")
            .WithProblems(StatusCodes.Status409Conflict);
    }

    private static async Task<Accepted> RaiseEventAsync(
        string instanceId, string eventName, HttpRequest request, RequestBody body, [FromKeyedServices(RequestNamespace.Client)] IWorkflowClient client, CancellationToken cancellationToken)
    {
        var data = await body.ReadJsonAsync(request, cancellationToken);
        await client.RaiseEventAsync(instanceId, eventName, data, cancellationToken);
        return TypedResults.Accepted((string?)null);
    }

    private static async Task<Accepted<ManagementUris>> RestartAsync(
        string instanceId, bool? restartWithNewInstanceId, HttpRequest request, [FromKeyedServices(RequestNamespace.Client)] IWorkflowClient client, CancellationToken cancellationToken)
    {
        var id = await client.RestartAsync(instanceId, restartWithNewInstanceId ?? false, cancellationToken);
        var uris = ManagementUris.For(request, id);
        return TypedResults.Accepted(uris.StatusQueryGetUri, uris);
    }

    private static async Task<Accepted> Accept(Task request)
    {
        await request;
        return TypedResults.Accepted((string?)null);
    }
}
