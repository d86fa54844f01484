using System.Collections.Concurrent;
using System.Diagnostics;
using TraceContext = System.Diagnostics.ActivityContext;
using System.Text.Json;
using Baton.Grains.Logging;
using Baton.Grains.Storage;
using Baton.Grains.Telemetry;
using Baton.History;
using Baton.Serialization;
using Microsoft.Extensions.Logging;

namespace Baton.Grains.Runtime;

/// <summary>
/// Carries finished activities' results to their workflow grains. The results for one instance that finish while a
/// hand-over to it is in flight go together in the next call, so that a fan-out's thousands of results take tens of grain
/// calls and commits rather than one each, and no worker waits for a commit. A call completes once a commit has recorded
/// its results; when it fails, the results are written to the instance's inbox in the store and the instance is woken.
/// </summary>
internal sealed class ResultHandOff(InstanceServices services, IGrainFactory grains, ILogger logger, CancellationToken stopping, Action<int> delivered)
{
    private readonly ConcurrentDictionary<string, Batch> _batches = new(StringComparer.Ordinal);

    /// <summary>Queues a result for its instance, and starts a hand-over unless one to that instance is in flight.</summary>
    /// <param name="item">The work item.</param>
    /// <param name="result">Its result.</param>
    /// <param name="attempt">The W3C id of the attempt's span, when traced: the turn that takes the result continues its trace.</param>
    public void Add(WorkItem item, HistoryEvent result, string? attempt = null)
    {
        while (true)
        {
            var batch = _batches.GetOrAdd(item.InstanceId, static id => new Batch(id));
            lock (batch)
            {
                if (batch.Ended)
                {
                    continue; // It ended between the lookup and the lock: the next lookup makes a new one.
                }

                batch.Waiting.Add((item, result, attempt));
                if (batch.Sending)
                {
                    return;
                }

                batch.Sending = true;
            }

            batch.Loop = SendAsync(batch);
            return;
        }
    }

    /// <summary>Waits for the hand-overs in flight (after the workers stopped adding).</summary>
    public Task DrainAsync() => Task.WhenAll(_batches.Values.Select(b => b.Loop ?? Task.CompletedTask));

    private async Task SendAsync(Batch batch)
    {
        while (true)
        {
            List<(WorkItem Item, HistoryEvent Result, string? Attempt)> results;
            lock (batch)
            {
                if (batch.Waiting.Count == 0)
                {
                    batch.Sending = false;
                    batch.Ended = true;
                    _batches.TryRemove(KeyValuePair.Create(batch.InstanceId, batch));
                    return;
                }

                var take = Math.Min(batch.Waiting.Count, services.Options.MaxBatchSize);
                results = batch.Waiting.GetRange(0, take);
                batch.Waiting.RemoveRange(0, take);
            }

            try
            {
                await DeliverAsync(batch.InstanceId, results).ConfigureAwait(false);
            }
            finally
            {
                delivered(results.Count);
            }
        }
    }

    private async Task DeliverAsync(string instanceId, List<(WorkItem Item, HistoryEvent Result, string? Attempt)> results)
    {
        // The hand-over's span is a child of the first attempt whose result it carries and links the others, so that the
        // turn that takes them continues the trace.
        using var span = Instruments.Source.HasListeners() ? StartDeliverySpan(instanceId, results) : null;
        try
        {
            if (services.Local.TryGet(instanceId, out var local) && await local.DeliverHereAsync(results.ConvertAll(r => r.Result)).ConfigureAwait(false))
            {
                return;
            }

            var messages = results.ConvertAll(r => new ActivityResultMessage
            {
                StepId = r.Item.StepId,
                Event = JsonSerializer.SerializeToUtf8Bytes(r.Result, BatonJson.Options),
            });
            await grains.GetGrain<IWorkflowGrain>(instanceId).DeliverActivityResultsAsync([.. messages]).ConfigureAwait(false);
            return;
        }
        catch (Exception ex) when (!stopping.IsCancellationRequested)
        {
            Log.ResultHandOffFailed(logger, results.Count, instanceId, results[0].Item.StepId, ex);
        }
        catch (Exception) when (stopping.IsCancellationRequested)
        {
            return; // The silo is stopping: the work items stay in the store, and the silo that takes them over runs them again.
        }

        try
        {
            var stored = false;
            var now = services.Time.GetUtcNow().UtcDateTime;
            foreach (var (item, result, _) in results)
            {
                stored |= await services.Store.DeliverResultAsync(item, result, now, CancellationToken.None).ConfigureAwait(false);
            }

            if (stored)
            {
                await grains.WakeInstanceAsync(instanceId, logger).ConfigureAwait(false);
            }
        }
        catch (Exception ex)
        {
            Log.ResultDeliveryFailed(logger, results.Count, instanceId, results[0].Item.StepId, ex);
        }
    }

    private static Activity? StartDeliverySpan(string instanceId, List<(WorkItem Item, HistoryEvent Result, string? Attempt)> results)
    {
        var attempts = new List<TraceContext>();
        foreach (var (_, _, attempt) in results)
        {
            if (TraceContext.TryParse(attempt, null, out var context))
            {
                attempts.Add(context);
            }
        }

        var span = Instruments.Source.StartActivity(
            "deliver results", ActivityKind.Producer, attempts.Count > 0 ? attempts[0] : default, links: attempts.Skip(1).Select(a => new ActivityLink(a)));
        span?.SetTag("baton.instance_id", instanceId);
        span?.SetTag("baton.results", results.Count);
        return span;
    }

    private sealed class Batch(string instanceId)
    {
        public string InstanceId { get; } = instanceId;

        public List<(WorkItem Item, HistoryEvent Result, string? Attempt)> Waiting { get; } = new();

        public bool Sending { get; set; }

        public bool Ended { get; set; }

        public Task? Loop { get; set; }
    }
}
