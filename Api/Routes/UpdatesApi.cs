using System.Text.Json;
using Baton.Api.Access;
using Baton.Api.Http;
using Baton.Api.OpenApi;

namespace Baton.Api.Routes;

/// <summary>
/// <c>POST /instances/{id}/update/{updateName}</c>: sends an update (the body is its input) and waits up to
/// <c>timeout</c> seconds (default 30, at most <c>Baton:Api:MaxLongPoll</c>) for its result: 200 with the result, or 202
/// when the handler still runs, to be sent again with the same <c>updateId</c>. A rejected update (422) or an unknown one (404) records nothing.
/// </summary>
internal static class UpdatesApi
{
    /// <summary>How long a request waits for the result when it does not say.</summary>
    private const double DefaultTimeoutSeconds = 30;

    public static void MapUpdates(this IEndpointRouteBuilder app) =>
        app.MapPost(ManagementUris.Prefix + "/instances/{instanceId}/update/{updateName}", UpdateAsync)
            .RequireAuthorization(AccessPolicies.Operate)
            .WithTags("Instances")
            .WithSummary("Sends an update to a running instance (the body is its input, any JSON) and answers with the handler's result; "
                + "202 with the update id when it is still running after timeout seconds (default 30): send the same request with that updateId again.")
            .Accepts<JsonElement>(isOptional: true, "application/json")
            .Produces(StatusCodes.Status200OK, contentType: "application/json")
            .Produces<UpdatePending>(StatusCodes.Status202Accepted)
            .WithProblems(StatusCodes.Status400BadRequest, StatusCodes.Status401Unauthorized, StatusCodes.Status403Forbidden, StatusCodes.Status404NotFound,
                StatusCodes.Status409Conflict, StatusCodes.Status410Gone, StatusCodes.Status413PayloadTooLarge, StatusCodes.Status415UnsupportedMediaType,
                StatusCodes.Status422UnprocessableEntity, StatusCodes.Status503ServiceUnavailable);

    private static async Task<IResult> UpdateAsync(
        string instanceId, string updateName, string? updateId, double? timeout, HttpRequest request, RequestBody body, [FromKeyedServices(RequestNamespace.Client)] IWorkflowClient client, CancellationToken cancellationToken)
    {
        // At least a second: time for the update to be validated and accepted before a 202 says it runs.
        var hold = InstancesApi.HoldFor(timeout ?? DefaultTimeoutSeconds, "timeout", request) is { } asked && asked > TimeSpan.FromSeconds(1) ? asked : TimeSpan.FromSeconds(1);
        var input = await body.ReadJsonAsync(request, cancellationToken);
        var id = updateId ?? Guid.NewGuid().ToString("N");
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        wait.CancelAfter(hold);
        try
        {
            var result = await client.UpdateAsync(instanceId, updateName, input, new UpdateOptions { UpdateId = id }, wait.Token);
            return Results.Content(result ?? "null", "application/json");
        }
        catch (OperationCanceledException) when (wait.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            return TypedResults.Accepted((string?)null, new UpdatePending(id, "The update has not finished; send the same request with this updateId to wait for its result."));
        }
    }

    /// <summary>The answer while an update's handler still runs.</summary>
    /// <param name="UpdateId">The id to send again with.</param>
    /// <param name="Message">What to do, for a person.</param>
    internal sealed record UpdatePending(string UpdateId, string Message);
}
