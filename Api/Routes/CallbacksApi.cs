using Baton.Api.Http;
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
        var group = app.MapGroup(ManagementUris.Prefix + "/callbacks/{token}").AllowAnonymous().WithTags("Callbacks");
        group.MapPost("/complete", CompleteAsync);
        group.MapPost("/fail", FailAsync);
        group.MapPost("/heartbeat", async (string token, IWorkflowClient client, CancellationToken ct) =>
        {
            await client.HeartbeatCallbackAsync(token, ct);
            return TypedResults.Accepted((string?)null);
        });
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
}
