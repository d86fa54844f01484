using System.Collections.Concurrent;
using Baton.Grains.Logging;
using Baton.Grains.Registry;
using Baton.Grains.Storage;
using Microsoft.Extensions.Logging;

namespace Baton.Grains.Runtime;

/// <summary>
/// This silo's side of the cluster-wide activity limits (<see cref="BatonOptions.ActivityLimits"/>,
/// <see cref="BatonOptions.QueueLimits"/>, and each namespace's own): before a limited work item runs, it takes a permit from the limiter grain of
/// its activity and of its queue, waits for the start time the rate gives it, and gives the permits back when the run
/// ends. It renews every permit and waiting request it holds, so that they lapse only if this silo dies.
/// </summary>
internal sealed class ActivityPermits(NamespaceCatalog namespaces, IGrainFactory grains, TimeProvider time, ILogger logger)
{
    /// <summary>How long one call to a limiter may wait for a permit before it is asked again.</summary>
    private static readonly TimeSpan CallWait = TimeSpan.FromSeconds(10);

    /// <summary>How long to pause before asking again when a limiter could not be reached (its silo is going).</summary>
    private static readonly TimeSpan RetryPause = TimeSpan.FromMilliseconds(250);

    private readonly bool _anyLimits = namespaces.HasLimits;

    // Per limiter key: the permits and requests held there, with their start times (MinValue while waiting).
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<Guid, DateTime>> _held = new(StringComparer.Ordinal);

    /// <summary>Whether the item is under any limit.</summary>
    public bool Apply(WorkItem item) => _anyLimits && Limits(item).Any();

    /// <summary>Takes the item's permits (its activity's, then its queue's) and waits until it may start.</summary>
    /// <returns>The permits, to give back with <see cref="Release"/> when the run ends.</returns>
    /// <exception cref="OperationCanceledException">The item was cancelled while it waited; nothing is held.</exception>
    public async Task<IReadOnlyList<(string Key, Guid Id)>> AcquireAsync(WorkItem item, CancellationToken cancellationToken)
    {
        while (true)
        {
            var taken = new List<(string Key, Guid Id)>(2);
            try
            {
                var start = DateTime.MinValue;
                var slot = TimeSpan.MaxValue;
                foreach (var (key, limit) in Limits(item))
                {
                    var id = Guid.NewGuid();
                    taken.Add((key, id));
                    var at = await AcquireAsync(key, id, limit, cancellationToken).ConfigureAwait(false);
                    start = at > start ? at : start;
                    if (limit.PerSecond is { } rate && TimeSpan.FromSeconds(1 / rate) < slot)
                    {
                        slot = TimeSpan.FromSeconds(1 / rate);
                    }
                }

                var wait = start - time.GetUtcNow().UtcDateTime;
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait, time, cancellationToken).ConfigureAwait(false);
                }

                // A start that comes later than its slot (this silo stalled) would bunch up with the next ones: it takes a new slot.
                if (slot == TimeSpan.MaxValue || time.GetUtcNow().UtcDateTime - start <= slot)
                {
                    return taken;
                }
            }
            catch
            {
                Release(taken);
                throw;
            }

            Release(taken);
        }
    }

    /// <summary>Gives permits back (or withdraws their requests).</summary>
    public void Release(IReadOnlyList<(string Key, Guid Id)> permits)
    {
        foreach (var (key, id) in permits)
        {
            if (_held.TryGetValue(key, out var held))
            {
                held.TryRemove(id, out _);
            }

            _ = ReleaseAsync(key, id);
        }
    }

    /// <summary>Renews everything held, every <see cref="ActivityLimiterGrain.RenewEvery"/>, until <paramref name="stop"/>.</summary>
    public async Task RenewAsync(CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(ActivityLimiterGrain.RenewEvery, time, stop).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }

            // Each limiter at once, each call bounded: one whose silo died must not hold back the renewals of the others.
            await Task.WhenAll(_held.Select(h => RenewAsync(h.Key, h.Value))).ConfigureAwait(false);
        }
    }

    private async Task RenewAsync(string key, ConcurrentDictionary<Guid, DateTime> held)
    {
        var entries = held.ToArray();
        if (entries.Length == 0)
        {
            return;
        }

        var granted = entries.Where(e => e.Value != DateTime.MinValue).ToArray();
        try
        {
            await grains.GetGrain<IActivityLimiterGrain>(key)
                .RenewAsync(granted.Select(e => e.Key).ToArray(), entries.Where(e => e.Value == DateTime.MinValue).Select(e => e.Key).ToArray(),
                    granted.Length > 0 ? granted.Max(e => e.Value) : DateTime.MinValue)
                .WaitAsync(ActivityLimiterGrain.RenewEvery, time).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            Log.LimitCallFailed(logger, key, ex);
        }
    }

    private async Task<DateTime> AcquireAsync(string key, Guid id, ActivityLimit limit, CancellationToken cancellationToken)
    {
        var held = _held.GetOrAdd(key, _ => new ConcurrentDictionary<Guid, DateTime>());
        held[id] = DateTime.MinValue; // Waiting (MinValue): renewed as a request, so that it keeps its place in the line.
        var request = new PermitRequest { PermitId = id, MaxConcurrent = limit.MaxConcurrent, PerSecond = limit.PerSecond, MaxWait = CallWait };
        var limiter = grains.GetGrain<IActivityLimiterGrain>(key);
        while (true)
        {
            PermitGrant grant;
            try
            {
                // Bounded: a call caught in flight by the death of the limiter's silo is asked again (of its next activation).
                grant = await limiter.AcquireAsync(request).WaitAsync(CallWait + RetryPause, time, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                Log.LimitCallFailed(logger, key, ex);
                await Task.Delay(RetryPause, time, cancellationToken).ConfigureAwait(false);
                continue;
            }

            if (grant.Granted)
            {
                held[id] = grant.NotBefore;
                return grant.NotBefore;
            }
        }
    }

    private async Task ReleaseAsync(string key, Guid id)
    {
        try
        {
            await grains.GetGrain<IActivityLimiterGrain>(key).ReleaseAsync(id).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            Log.LimitCallFailed(logger, key, ex); // Not renewed any more, the permit lapses on its own.
        }
    }

    private IEnumerable<(string Key, ActivityLimit Limit)> Limits(WorkItem item) =>
        namespaces.Limits(WorkflowNamespaces.NamespaceOf(item.InstanceId), item.Name, item.Queue);
}
