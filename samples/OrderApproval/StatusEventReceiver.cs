using System.Collections.Concurrent;
using System.Text.Json;
using Baton.Events;

namespace Baton.Samples.AiOrders;

/// <summary>
/// The sample's webhook receiver: Baton POSTs every status change to it, signed; it checks the signature, drops a repeated
/// delivery by its event id, prints the change and keeps it for <c>GET /receiver</c>.
/// </summary>
public sealed class StatusEventReceiver(string secret)
{
    private readonly ConcurrentDictionary<string, JsonElement> _received = new();

    /// <summary>The status changes received, oldest first.</summary>
    public IReadOnlyList<JsonElement> Received => [.. _received.OrderBy(r => long.Parse(r.Key, System.Globalization.CultureInfo.InvariantCulture)).Select(r => r.Value)];

    public async Task<IResult> ReceiveAsync(HttpRequest request)
    {
        using var reader = new StreamReader(request.Body);
        var body = await reader.ReadToEndAsync(request.HttpContext.RequestAborted);
        if (!WebhookSignature.Verify(secret, request.Headers[WebhookSignature.TimestampHeader], body, request.Headers[WebhookSignature.SignatureHeader]))
        {
            return Results.Unauthorized();
        }

        var change = JsonDocument.Parse(body).RootElement.Clone();
        if (_received.TryAdd(request.Headers[WebhookSignature.EventIdHeader].ToString(), change))
        {
            Console.WriteLine($"webhook: {change.GetProperty("instanceId")} is {change.GetProperty("runtimeStatus")}");
        }

        return Results.Ok();
    }
}
