using Baton.Grains.Logging;
using Baton.Grains.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Runtime;

namespace Baton.Grains.Runtime;

/// <summary>
/// Orleans does not reactivate grains by itself, so each silo looks, at start, whenever membership changes and every
/// <see cref="BatonOptions.RecoveryInterval"/>, for unfinished instances with pending work (messages, timers, work items)
/// whose owner is no longer an active silo, and wakes them, a bounded number at a time. A woken instance claims itself
/// for the silo it activates on, so the next look no longer finds it. Long waits carry their own reminders. Each look
/// also wakes instances whose inbox holds a message overdue by three recovery intervals, whoever owns them: the backstop
/// for a wake-up that was lost while the owner stayed alive.
/// </summary>
internal sealed class InstanceRecovery(
    IWorkflowStore store,
    SiloIdentity silo,
    IGrainFactory grains,
    IClusterMembershipService membership,
    IOptions<BatonOptions> options,
    [FromKeyedServices(BatonClock.ServiceKey)] TimeProvider time,
    ILoggerFactory loggerFactory)
{
    private const int BatchSize = 1_000;
    private const int WakeConcurrency = 32;

    private readonly ILogger _logger = loggerFactory.CreateLogger("Baton.Recovery");
    private readonly CancellationTokenSource _stop = new();
    private Task _loop = Task.CompletedTask;
    private Task _membershipWatch = Task.CompletedTask;
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Start()
    {
        _loop = Task.Run(LoopAsync);
        _membershipWatch = Task.Run(WatchMembershipAsync);
    }

    public async Task StopAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await Task.WhenAll(_loop, _membershipWatch).ConfigureAwait(false);
    }

    /// <summary>Looks once: wakes every orphaned instance found, in batches, and then those with overdue messages; returns how many it woke.</summary>
    public async Task<int> RecoverAsync(CancellationToken cancellationToken)
    {
        var woken = 0;
        while (true)
        {
            var orphans = await store.FindOrphanedInstancesAsync(silo.LiveSilos(), BatchSize, cancellationToken).ConfigureAwait(false);
            await Parallel.ForEachAsync(
                orphans,
                new ParallelOptions { MaxDegreeOfParallelism = WakeConcurrency, CancellationToken = cancellationToken },
                async (id, _) => await grains.WakeInstanceAsync(id, _logger).ConfigureAwait(false)).ConfigureAwait(false);
            woken += orphans.Count;
            if (orphans.Count < BatchSize)
            {
                break;
            }
        }

        if (woken > 0)
        {
            Log.OrphansWoken(_logger, woken);
        }

        var overdue = await store.FindOverdueInstancesAsync(time.GetUtcNow().UtcDateTime - 3 * options.Value.RecoveryInterval, BatchSize, cancellationToken).ConfigureAwait(false);
        await Parallel.ForEachAsync(
            overdue,
            new ParallelOptions { MaxDegreeOfParallelism = WakeConcurrency, CancellationToken = cancellationToken },
            async (id, _) => await grains.WakeInstanceAsync(id, _logger).ConfigureAwait(false)).ConfigureAwait(false);
        if (overdue.Count > 0)
        {
            Log.OverdueWoken(_logger, overdue.Count);
        }

        return woken + overdue.Count;
    }

    private async Task LoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                var changed = _changed.Task;
                await RecoverAsync(_stop.Token).ConfigureAwait(false);
                await Task.WhenAny(changed, Task.Delay(options.Value.RecoveryInterval, time, _stop.Token)).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                Log.RecoveryFailed(_logger, ex);
                await Task.Delay(options.Value.RecoveryInterval, time, CancellationToken.None).ConfigureAwait(false);
            }
        }
    }

    private async Task WatchMembershipAsync()
    {
        try
        {
            await foreach (var _ in membership.MembershipUpdates.WithCancellation(_stop.Token).ConfigureAwait(false))
            {
                Interlocked.Exchange(ref _changed, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
        }
    }
}
