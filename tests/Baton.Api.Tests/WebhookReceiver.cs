using System.Text.Json;
using Baton.Events;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Baton.Api.Tests;

/// <summary>
/// A webhook receiver on loopback that records each delivery and checks its signature. It can fail the first delivery
/// (to exercise retries) and hold a chosen delivery open without answering (so that a test can kill the sender mid-delivery).
/// </summary>
internal sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly List<Delivery> _deliveries = [];
    private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _requests;

    private WebhookReceiver(WebApplication app) => _app = app;

    public TaskCompletionSource HoldReached { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Uri Url => new(_app.Urls.Single() + "/hook");

    public static async Task<WebhookReceiver> StartAsync(string secret, int failRequest, int holdRequest)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var receiver = new WebhookReceiver(app);
        app.MapPost("/hook", async (HttpRequest request) =>
        {
            var number = Interlocked.Increment(ref receiver._requests);
            using var reader = new StreamReader(request.Body);
            var body = await reader.ReadToEndAsync();
            var signed = WebhookSignature.Verify(secret, request.Headers[WebhookSignature.TimestampHeader], body, request.Headers[WebhookSignature.SignatureHeader]);
            if (number == failRequest)
            {
                return Results.StatusCode(StatusCodes.Status503ServiceUnavailable);
            }

            if (number == holdRequest)
            {
                receiver.HoldReached.TrySetResult();
                await receiver._release.Task;
                return Results.StatusCode(StatusCodes.Status503ServiceUnavailable);
            }

            var data = JsonSerializer.Deserialize<JsonElement>(body);
            lock (receiver._deliveries)
            {
                receiver._deliveries.Add(new Delivery(long.Parse(request.Headers[WebhookSignature.EventIdHeader]!), data.GetProperty("instanceId").GetString()!,
                    data.GetProperty("runtimeStatus").GetString()!, signed, body));
            }

            return Results.Ok();
        });
        await app.StartAsync();
        return receiver;
    }

    public IReadOnlyList<Delivery> Deliveries
    {
        get
        {
            lock (_deliveries)
            {
                return _deliveries.ToList();
            }
        }
    }

    /// <summary>Lets a held delivery go (answered with an error, as if the receiver had crashed).</summary>
    public void Release() => _release.TrySetResult();

    public async ValueTask DisposeAsync()
    {
        Release();
        await _app.DisposeAsync();
    }

    /// <summary>One accepted delivery.</summary>
    public sealed record Delivery(long EventId, string InstanceId, string Status, bool SignatureValid, string Body);
}
