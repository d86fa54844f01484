using System.Text.Json;
using Baton.Api.Http;
using Baton.Api.OpenApi;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Baton.Api.Routes;

/// <summary>
/// Callback completion for outside systems: <c>POST …/callbacks/{token}/complete|fail|heartbeat</c>. The signed callback token
/// is the only credential these routes take (they need no API key), and it authorises nothing beyond its own callback.
/// </summary>
internal static class CallbacksApi
{
    public static void MapCallbacks(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup(ManagementUris.Prefix + "/callbacks/{token}").AllowAnonymous().WithTags("Callbacks")
            .WithProblems(StatusCodes.Status400BadRequest, StatusCodes.Status403Forbidden, StatusCodes.Status410Gone, StatusCodes.Status503ServiceUnavailable);
        group.MapPost("/complete", CompleteAsync)
            .WithSummary("Completes the callback; the body is its result (any JSON).")
            .Accepts<JsonElement>(isOptional: true, "application/json")
            .WithProblems(StatusCodes.Status413PayloadTooLarge, StatusCodes.Status415UnsupportedMediaType);
        group.MapPost("/fail", FailAsync)
            .WithSummary("Fails the callback: the waiting workflow gets a CallbackFailedException with the error.")
            .Accepts<CallbackFailure>("application/json")
            .WithProblems(StatusCodes.Status413PayloadTooLarge, StatusCodes.Status415UnsupportedMediaType);
        group.MapPost("/heartbeat", async (string token, IWorkflowClient client, CancellationToken ct) =>
            {
                await client.HeartbeatCallbackAsync(token, ct);
                return TypedResults.Accepted((string?)null);
            })
            .WithSummary("Tells the callback's heartbeat timeout that the outside work is still alive.");
    }

    private static async Task<Accepted> CompleteAsync(string token, HttpRequest request, RequestBody body, IWorkflowClient client, CancellationToken cancellationToken)
    {
        var result = await body.ReadJsonAsync(request, cancellationToken);
        await client.CompleteCallbackAsync(token, result, cancellationToken);
        return TypedResults.Accepted((string?)null);
    }

    private static async Task<Accepted> FailAsync(string token, HttpRequest request, RequestBody body, IWorkflowClient client, CancellationToken cancellationToken)
    {
        var failure = await body.ReadJsonAsync(request, cancellationToken);
        var message = failure is { ValueKind: System.Text.Json.JsonValueKind.Object } o && o.TryGetProperty("error", out var error)
            && error.ValueKind == System.Text.Json.JsonValueKind.String && error.GetString() is { Length: > 0 } text
            ? text
            : throw new ArgumentException("The body must be a JSON object with a non-empty \"error\" string.");
        await client.FailCallbackAsync(token, message, cancellationToken);
        return TypedResults.Accepted((string?)null);
    }

    /// <summary>The body of a failed callback, for the OpenAPI document.</summary>
    /// <param name="Error">What went wrong; not empty.</param>
    internal sealed record CallbackFailure(string Error);
}
