using Baton.Api.Access;
using Baton.Api.Http;
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
        var group = app.MapGroup(ManagementUris.Prefix + "/instances/{instanceId}").RequireAuthorization(AccessPolicies.Operate).WithTags("Instances");
        group.MapPost("/raiseEvent/{eventName}", RaiseEventAsync);
        group.MapPost("/terminate", (string instanceId, string? reason, IWorkflowClient client, CancellationToken ct) =>
            Accept(client.TerminateAsync(instanceId, reason, ct)));
        group.MapPost("/suspend", (string instanceId, string? reason, IWorkflowClient client, CancellationToken ct) =>
            Accept(client.SuspendAsync(instanceId, reason, ct)));
        group.MapPost("/resume", (string instanceId, string? reason, IWorkflowClient client, CancellationToken ct) =>
            Accept(client.ResumeAsync(instanceId, reason, ct)));
        group.MapPost("/rewind", (string instanceId, string? reason, IWorkflowClient client, CancellationToken ct) =>
            Accept(client.RewindAsync(instanceId, reason, ct)));
        group.MapPost("/restart", RestartAsync);
    }

    private static async Task<Accepted> RaiseEventAsync(
        string instanceId, string eventName, HttpRequest request, RequestBody body, IWorkflowClient client, CancellationToken cancellationToken)
    {
        var data = await body.ReadJsonAsync(request, cancellationToken);
        await client.RaiseEventAsync(instanceId, eventName, data, cancellationToken);
        return TypedResults.Accepted((string?)null);
    }

    private static async Task<Accepted<ManagementUris>> RestartAsync(
        string instanceId, bool? restartWithNewInstanceId, HttpRequest request, IWorkflowClient client, CancellationToken cancellationToken)
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
