using System.Text;
using System.Text.Json;
using Baton.Api.Hosting;
using Baton.Events;
using Baton.Grains.Storage;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;

namespace Baton.Api.Events;

/// <summary>
/// Delivers every status change (of the namespaces it lists, or of all) to each configured webhook, in order, at least
/// once. The store's status event log is the
/// durable outbox: an event is written in the same transaction as the change it reports, and each webhook's cursor moves
/// past an event only after the receiver answered 2xx. A crash between the two re-sends that event on restart (the
/// <c>X-Baton-Event-Id</c> header lets the receiver drop the duplicate). Failures are retried with exponential backoff.
/// </summary>
internal sealed partial class WebhookDispatcher(
    IWorkflowStore store,
    StatusEventHub hub,
    IHttpClientFactory httpClients,
    IOptions<ApiOptions> options,
    IOptions<JsonOptions> json,
    TimeProvider time,
    ILogger<WebhookDispatcher> logger) : BackgroundService
{
    /// <summary>The name of the HTTP client deliveries use.</summary>
    public const string HttpClientName = "Baton.Webhooks";

    private static readonly TimeSpan FirstRetry = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan MaxRetry = TimeSpan.FromMinutes(1);

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(options.Value.Webhooks.Select(hook => DeliverForeverAsync(hook, stoppingToken)));

    /// <summary>
    /// Gives every webhook configured for the first time a cursor at the log's end, before the server takes requests, so
    /// that it receives every change from this start on and none from before it was configured.
    /// </summary>
    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        if (options.Value.Webhooks.Count > 0)
        {
            foreach (var hook in options.Value.Webhooks)
            {
                if (await store.GetEventCursorAsync(Subscriber(hook), cancellationToken).ConfigureAwait(false) is null)
                {
                    var end = await store.GetLastStatusEventAsync(cancellationToken).ConfigureAwait(false);
                    await store.SetEventCursorAsync(Subscriber(hook), end, cancellationToken).ConfigureAwait(false);
                }
            }
        }

        await base.StartAsync(cancellationToken).ConfigureAwait(false);
    }

    private static string Subscriber(WebhookOptions hook) => "webhook:" + hook.Url;

    private async Task DeliverForeverAsync(WebhookOptions hook, CancellationToken stoppingToken)
    {
        var subscriber = Subscriber(hook);
        var cursor = await store.GetEventCursorAsync(subscriber, stoppingToken).ConfigureAwait(false) ?? 0;
        var position = cursor;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var events = await hub.ReadAsync(position, 100, stoppingToken).ConfigureAwait(false);
                var skipped = false;
                foreach (var e in events)
                {
                    position = e.Sequence;
                    skipped = !hook.Receives(e.Namespace);
                    if (!skipped)
                    {
                        await DeliverWithRetriesAsync(hook, e, stoppingToken).ConfigureAwait(false);
                        await store.SetEventCursorAsync(subscriber, e.Sequence, stoppingToken).ConfigureAwait(false);
                    }
                }

                if (skipped)
                {
                    // Past other namespaces' changes in one write, not one each.
                    await store.SetEventCursorAsync(subscriber, position, stoppingToken).ConfigureAwait(false);
                }

                if (events.Count == 0)
                {
                    await hub.WaitBeyondAsync(position, stoppingToken).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                // The store could not be read or the cursor not written; try again shortly from the last durable position.
                LogStoreFailed(logger, hook.Url, ex);
                await Task.Delay(FirstRetry, time, stoppingToken).ConfigureAwait(false);
            }
        }
    }

    private async Task DeliverWithRetriesAsync(WebhookOptions hook, WorkflowStatusEvent e, CancellationToken stoppingToken)
    {
        var body = JsonSerializer.Serialize(e, json.Value.SerializerOptions);
        var delay = FirstRetry;
        for (var attempt = 1; ; attempt++)
        {
            var failure = await TryDeliverAsync(hook, e, body, attempt, stoppingToken).ConfigureAwait(false);
            if (failure is null)
            {
                return;
            }

            LogDeliveryFailed(logger, e.Sequence, hook.Url, attempt, failure, delay);
            await Task.Delay(delay, time, stoppingToken).ConfigureAwait(false);
            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, MaxRetry.Ticks));
        }
    }

    private async Task<string?> TryDeliverAsync(WebhookOptions hook, WorkflowStatusEvent e, string body, int attempt, CancellationToken stoppingToken)
    {
        var timestamp = time.GetUtcNow().ToUnixTimeSeconds();
        using var request = new HttpRequestMessage(HttpMethod.Post, hook.Url) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Add(WebhookSignature.EventIdHeader, e.Sequence.ToString(System.Globalization.CultureInfo.InvariantCulture));
        request.Headers.Add(WebhookSignature.TimestampHeader, timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture));
        request.Headers.Add(WebhookSignature.SignatureHeader, WebhookSignature.Compute(hook.Secret, timestamp, body));
        request.Headers.Add("X-Baton-Delivery-Attempt", attempt.ToString(System.Globalization.CultureInfo.InvariantCulture));
        try
        {
            using var response = await httpClients.CreateClient(HttpClientName).SendAsync(request, stoppingToken).ConfigureAwait(false);
            return response.IsSuccessStatusCode ? null : $"the receiver answered {(int)response.StatusCode}";
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !stoppingToken.IsCancellationRequested)
        {
            return ex.Message;
        }
    }

    [LoggerMessage(EventId = 2000, Level = LogLevel.Warning, Message = "Webhook delivery of status event {Sequence} to {Url} failed (attempt {Attempt}: {Failure}); retrying in {Delay}.")]
    private static partial void LogDeliveryFailed(ILogger logger, long sequence, string url, int attempt, string failure, TimeSpan delay);

    [LoggerMessage(EventId = 2001, Level = LogLevel.Error, Message = "Webhook dispatcher for {Url} could not read or record its position; retrying.")]
    private static partial void LogStoreFailed(ILogger logger, string url, Exception exception);
}
