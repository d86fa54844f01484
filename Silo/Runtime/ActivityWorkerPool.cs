using System.Collections.Concurrent;
using System.Threading.Channels;
using Baton.History;
using Baton.Silo.Logging;
using Baton.Silo.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace Baton.Silo.Runtime;

/// <summary>
/// The silo's stateless activity workers: a bounded number of concurrent executions fed in memory by this
/// silo's partitions, and topped up from the store with work items that no live silo holds. Delivery is
/// at least once: a work item is deleted only by the commit that records its result. Each attempt is held
/// to its start-to-close and heartbeat timeouts, and is cancelled when its workflow no longer needs it.
/// </summary>
internal sealed class ActivityWorkerPool(SiloRuntime silo, IServiceProvider services)
{
    private readonly Channel<WorkItem> _queue = Channel.CreateUnbounded<WorkItem>();
    private readonly ConcurrentDictionary<(string InstanceId, int StepId), CancellationTokenSource> _live = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _workers = new();
    private Task _poller = Task.CompletedTask;
    private int _outstanding;

    /// <summary>Work items queued or running here.</summary>
    public int Outstanding => Volatile.Read(ref _outstanding);

    public void Start()
    {
        for (var i = 0; i < silo.Options.MaxConcurrentActivities; i++)
        {
            _workers.Add(Task.Run(WorkAsync));
        }

        _poller = Task.Run(PollAsync);
    }

    public void Enqueue(WorkItem item)
    {
        if (!_live.TryAdd((item.InstanceId, item.StepId), CancellationTokenSource.CreateLinkedTokenSource(_stop.Token)))
        {
            return; // Already queued or running here.
        }

        Interlocked.Increment(ref _outstanding);
        if (!_queue.Writer.TryWrite(item))
        {
            Forget(item);
        }
    }

    /// <summary>Cancels queued and running attempts of an instance's steps.</summary>
    public void Cancel(string instanceId, IReadOnlyList<int> steps)
    {
        foreach (var step in steps)
        {
            if (_live.TryGetValue((instanceId, step), out var cancel))
            {
                cancel.Cancel();
            }
        }
    }

    public async Task StopAsync()
    {
        _queue.Writer.TryComplete();
        await _stop.CancelAsync().ConfigureAwait(false);
        await Task.WhenAll(_workers.Append(_poller)).ConfigureAwait(false);
    }

    private async Task WorkAsync()
    {
        try
        {
            await foreach (var item in _queue.Reader.ReadAllAsync(_stop.Token).ConfigureAwait(false))
            {
                try
                {
                    var result = await ExecuteAsync(item).ConfigureAwait(false);
                    if (result is not null)
                    {
                        await silo.DeliverResultAsync(item, result).ConfigureAwait(false);
                    }
                }
                catch (Exception ex) when (!_stop.IsCancellationRequested)
                {
                    Log.ResultDeliveryFailed(silo.Logger, item.InstanceId, item.StepId, ex);
                }
                finally
                {
                    Forget(item);
                }
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
        }
    }

    /// <summary>Runs one work item; null when it is to be left alone (the silo is stopping, or the workflow withdrew it).</summary>
    private async Task<HistoryEvent?> ExecuteAsync(WorkItem item)
    {
        if (!_live.TryGetValue((item.InstanceId, item.StepId), out var cancel) || cancel.IsCancellationRequested)
        {
            return null;
        }

        if (!silo.Registry.TryGetActivity(item.Name, out var activity))
        {
            return new ActivityFailed(item.StepId, FailureDetails.FromException(new ActivityNotRegisteredException(item.Name)));
        }

        var time = silo.Time;
        var lastHeartbeat = time.GetTimestamp();
        var context = new ActivityContext
        {
            InstanceId = item.InstanceId,
            ActivityName = item.Name,
            StepId = item.StepId,
            Delivery = item.Delivery,
            CancellationToken = cancel.Token,
            HeartbeatTimeout = item.HeartbeatTimeout,
            OnHeartbeat = () => Interlocked.Exchange(ref lastHeartbeat, time.GetTimestamp()),
        };

        await using var scope = services.CreateAsyncScope();
        var started = time.GetTimestamp();
        var run = activity.InvokeAsync(scope.ServiceProvider, context, item.Input);
        try
        {
            if (item.StartToClose is not null || item.HeartbeatTimeout is not null)
            {
                // Wake at the nearer deadline; a heartbeat moves one of them, so look again after each wake.
                while (!run.IsCompleted)
                {
                    var untilClose = item.StartToClose is { } close ? close - time.GetElapsedTime(started) : TimeSpan.MaxValue;
                    var untilBeat = item.HeartbeatTimeout is { } beat ? beat - time.GetElapsedTime(Interlocked.Read(ref lastHeartbeat)) : TimeSpan.MaxValue;
                    if (untilClose <= TimeSpan.Zero || untilBeat <= TimeSpan.Zero)
                    {
                        await cancel.CancelAsync().ConfigureAwait(false);
                        var kind = untilClose <= TimeSpan.Zero ? ActivityTimeoutKind.StartToClose : ActivityTimeoutKind.Heartbeat;
                        var limit = kind == ActivityTimeoutKind.StartToClose ? item.StartToClose!.Value : item.HeartbeatTimeout!.Value;
                        var timeout = new ActivityTimeoutException(item.Name, kind, limit);
                        var details = context.LastHeartbeatDetails is { } progress ? $"; last heartbeat details: {progress}" : "";
                        return new ActivityFailed(item.StepId, new FailureDetails(typeof(ActivityTimeoutException).FullName!, timeout.Message + details));
                    }

                    var wait = untilClose < untilBeat ? untilClose : untilBeat;
                    await Task.WhenAny(run, Task.Delay(wait, time, _stop.Token)).ConfigureAwait(false);
                    _stop.Token.ThrowIfCancellationRequested();
                }
            }

            var output = await run.ConfigureAwait(false);
            Baton.Grains.Replay.PayloadLimit.Check(output, silo.Options.MaxPayloadBytes, $"the result of activity '{item.Name}'");
            return new ActivityCompleted(item.StepId, output);
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            return null;
        }
        catch (Exception ex)
        {
            return new ActivityFailed(item.StepId, FailureDetails.FromException(ex));
        }
    }

    private void Forget(WorkItem item)
    {
        if (_live.TryRemove((item.InstanceId, item.StepId), out var cancel))
        {
            cancel.Dispose();
        }

        Interlocked.Decrement(ref _outstanding);
    }

    private async Task PollAsync()
    {
        var capacity = silo.Options.MaxConcurrentActivities * 2;
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                var room = capacity - Outstanding;
                if (room > 0)
                {
                    var now = silo.Time.GetUtcNow().UtcDateTime;
                    var claimed = await silo.Store.ClaimWorkItemsAsync(silo.SiloId, silo.LocalQueues, room, now - silo.Options.LeaseDuration, _stop.Token)
                        .ConfigureAwait(false);
                    foreach (var item in claimed)
                    {
                        Enqueue(item);
                    }
                }

                await Task.Delay(silo.Options.PollInterval, silo.Time, _stop.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                Log.ClaimFailed(silo.Logger, ex);
                await Task.Delay(silo.Options.PollInterval, silo.Time, CancellationToken.None).ConfigureAwait(false);
            }
        }
    }
}
