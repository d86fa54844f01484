using System.Collections.Concurrent;
using System.Diagnostics;
using ActivityContext = Baton.ActivityContext;
using TraceContext = System.Diagnostics.ActivityContext;
using System.Text.Json;
using System.Threading.Channels;
using Baton.Grains.Logging;
using Baton.Grains.Storage;
using Baton.Grains.Telemetry;
using Baton.History;
using Baton.Serialization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Baton.Grains.Runtime;

/// <summary>
/// The silo's activity workers: a bounded number of executions run at once, fed directly by the workflow grains of this
/// silo (a stateless worker grain would only add a call inside the same silo) and topped up from the store with work
/// items no live silo holds (queues served here whose instances live elsewhere, or work left by a silo that died). Delivery is at least once: a work item is
/// deleted only by the commit that records its result. Each attempt is held to its start-to-close and heartbeat
/// timeouts, and is cancelled when its workflow no longer needs it.
/// </summary>
internal sealed class ActivityRunner(IServiceProvider provider, InstanceServices services, IGrainFactory grains, ILoggerFactory loggerFactory)
{
    private readonly BatonOptions _options = services.Options;
    private readonly ILogger _logger = loggerFactory.CreateLogger("Baton.Activities");
    private readonly Channel<WorkItem> _queue = Channel.CreateUnbounded<WorkItem>();
    private readonly ConcurrentDictionary<(string InstanceId, int StepId), CancellationTokenSource> _live = new();
    private readonly ConcurrentDictionary<(string InstanceId, int StepId), IReadOnlyList<(string Key, Guid Id)>> _permits = new();
    private readonly ActivityPermits _limits = new(services.Namespaces, grains, services.Time, loggerFactory.CreateLogger("Baton.Activities"));
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _workers = new();
    private Task _poller = Task.CompletedTask;
    private Task _renewer = Task.CompletedTask;
    private int _outstanding;
    private ResultHandOff? _handOff;

    private ResultHandOff HandOff => _handOff ??= new ResultHandOff(services, grains, _logger, _stop.Token, count => Interlocked.Add(ref _outstanding, -count));

    /// <summary>Work items queued or running here.</summary>
    public int Outstanding => Volatile.Read(ref _outstanding);

    public void Start()
    {
        Instruments.AddQueue(this, services.Silo.Name, () => Outstanding);
        for (var i = 0; i < _options.MaxConcurrentActivities; i++)
        {
            _workers.Add(Task.Run(WorkAsync));
        }

        _poller = Task.Run(PollAsync);
        _renewer = Task.Run(() => _limits.RenewAsync(_stop.Token));
    }

    public void Enqueue(WorkItem item)
    {
        if (!_live.TryAdd((item.InstanceId, item.StepId), CancellationTokenSource.CreateLinkedTokenSource(_stop.Token)))
        {
            return; // Already queued or running here.
        }

        Interlocked.Increment(ref _outstanding);
        if (_limits.Apply(item))
        {
            _ = AdmitAsync(item);
        }
        else if (!_queue.Writer.TryWrite(item))
        {
            ReleaseCancellation(item);
            Interlocked.Decrement(ref _outstanding);
        }
    }

    /// <summary>Queues a limited item once it holds its permits and its start time has come; a worker is not held while it waits.</summary>
    private async Task AdmitAsync(WorkItem item)
    {
        if (!_live.TryGetValue((item.InstanceId, item.StepId), out var cancel))
        {
            return;
        }

        try
        {
            var permits = await _limits.AcquireAsync(item, cancel.Token).ConfigureAwait(false);
            _permits[(item.InstanceId, item.StepId)] = permits;
            if (_queue.Writer.TryWrite(item))
            {
                return;
            }

            ReleasePermits(item);
        }
        catch (OperationCanceledException)
        {
        }
        catch (ObjectDisposedException)
        {
        }

        ReleaseCancellation(item);
        Interlocked.Decrement(ref _outstanding);
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
        Instruments.RemoveQueue(this);
        _queue.Writer.TryComplete();
        await _stop.CancelAsync().ConfigureAwait(false);
        await Task.WhenAll(_workers.Append(_poller).Append(_renewer)).ConfigureAwait(false);
        await HandOff.DrainAsync().ConfigureAwait(false);
    }

    private async Task WorkAsync()
    {
        try
        {
            await foreach (var item in _queue.Reader.ReadAllAsync(_stop.Token).ConfigureAwait(false))
            {
                HistoryEvent? result = null;
                string? attempt = null;
                try
                {
                    using var span = StartAttemptSpan(item);
                    attempt = span?.Id;
                    result = await ExecuteAsync(item, span).ConfigureAwait(false);
                }
                catch (Exception ex) when (!_stop.IsCancellationRequested)
                {
                    Log.ResultDeliveryFailed(_logger, 1, item.InstanceId, item.StepId, ex);
                }
                finally
                {
                    ReleasePermits(item);
                    ReleaseCancellation(item);
                }

                if (result is null)
                {
                    Interlocked.Decrement(ref _outstanding);
                }
                else
                {
                    // Counted as outstanding until a commit has recorded it.
                    HandOff.Add(item, result, attempt);
                }
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
        }
    }

    /// <summary>Runs one work item; null when it is to be left alone (the silo is stopping, or the workflow withdrew it).</summary>
    private async Task<HistoryEvent?> ExecuteAsync(WorkItem item, Activity? span)
    {
        if (!_live.TryGetValue((item.InstanceId, item.StepId), out var cancel) || cancel.IsCancellationRequested)
        {
            return null;
        }

        if (!services.Registry.TryGetActivity(item.Name, out var activity))
        {
            return new ActivityFailed(item.StepId, FailureDetails.FromException(new ActivityNotRegisteredException(item.Name)));
        }

        var lastHeartbeat = services.Time.GetTimestamp();
        var context = new ActivityContext
        {
            InstanceId = WorkflowNamespaces.LocalId(item.InstanceId),
            Namespace = WorkflowNamespaces.NamespaceOf(item.InstanceId),
            ActivityName = item.Name,
            StepId = item.StepId,
            Delivery = item.Delivery,
            CancellationToken = cancel.Token,
            HeartbeatTimeout = item.HeartbeatTimeout,
            OnHeartbeat = () => Interlocked.Exchange(ref lastHeartbeat, services.Time.GetTimestamp()),
        };

        await using var scope = provider.CreateAsyncScope();
        using var logScope = _logger.BeginScope(new StepScope(item.InstanceId, item.StepId, item.Name));
        var started = services.Time.GetTimestamp();
        var outcome = "failed";
        var run = activity.InvokeAsync(scope.ServiceProvider, context, item.Input);
        try
        {
            if (item.StartToClose is not null || item.HeartbeatTimeout is not null)
            {
                // Wake at the nearer deadline; a heartbeat moves one of them, so look again after each wake.
                while (!run.IsCompleted)
                {
                    var untilClose = item.StartToClose is { } close ? close - services.Time.GetElapsedTime(started) : TimeSpan.MaxValue;
                    var untilBeat = item.HeartbeatTimeout is { } beat ? beat - services.Time.GetElapsedTime(Interlocked.Read(ref lastHeartbeat)) : TimeSpan.MaxValue;
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
                    await Task.WhenAny(run, Task.Delay(wait, services.Time, _stop.Token)).ConfigureAwait(false);
                    _stop.Token.ThrowIfCancellationRequested();
                }
            }

            var output = await run.ConfigureAwait(false);
            Replay.PayloadLimit.Check(output, _options.MaxPayloadBytes, $"the result of activity '{item.Name}'");
            outcome = "completed";
            return new ActivityCompleted(item.StepId, output);
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            outcome = "cancelled";
            return null;
        }
        catch (Exception ex)
        {
            span?.SetStatus(ActivityStatusCode.Error, ex.Message);
            return new ActivityFailed(item.StepId, FailureDetails.FromException(ex));
        }
        finally
        {
            Instruments.ActivityDuration.Record(services.Time.GetElapsedTime(started).TotalMilliseconds, Instruments.Activity(item.Name), new("baton.outcome", outcome));
            span?.SetTag("baton.outcome", outcome);
        }
    }

    /// <summary>An attempt's span: a child of the turn that scheduled it, when that turn was traced.</summary>
    private static Activity? StartAttemptSpan(WorkItem item)
    {
        if (!Instruments.Source.HasListeners())
        {
            return null;
        }

        TraceContext.TryParse(item.TraceParent, null, out var parent);
        var span = Instruments.Source.StartActivity($"activity {item.Name}", ActivityKind.Internal, parent);
        span?.SetTag("baton.instance_id", item.InstanceId);
        span?.SetTag("baton.activity", item.Name);
        span?.SetTag("baton.step", item.StepId);
        span?.SetTag("baton.delivery", item.Delivery);
        return span;
    }

    private void ReleasePermits(WorkItem item)
    {
        if (_permits.TryRemove((item.InstanceId, item.StepId), out var permits))
        {
            _limits.Release(permits);
        }
    }

    private void ReleaseCancellation(WorkItem item)
    {
        if (_live.TryRemove((item.InstanceId, item.StepId), out var cancel))
        {
            cancel.Dispose();
        }
    }

    private async Task PollAsync()
    {
        var capacity = _options.MaxConcurrentActivities * 2;
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                var room = capacity - Outstanding;
                if (room > 0)
                {
                    var claimed = await services.Store.ClaimWorkItemsAsync(services.Silo.Name, services.LocalQueues, services.Silo.LiveSilos(), room, _stop.Token).ConfigureAwait(false);
                    foreach (var item in claimed)
                    {
                        Enqueue(item);
                    }
                }

                await Task.Delay(_options.PollInterval, services.Time, _stop.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                Log.ClaimFailed(_logger, ex);
                await Task.Delay(_options.PollInterval, services.Time, CancellationToken.None).ConfigureAwait(false);
            }
        }
    }
}
