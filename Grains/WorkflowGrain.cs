using System.Text.Json;
using Baton.Grains.Logging;
using Baton.Grains.Replay;
using Baton.Grains.Runtime;
using Baton.Grains.Storage;
using Baton.History;
using Baton.Serialization;
using Orleans.Concurrency;

namespace Baton.Grains;

/// <summary>
/// One workflow instance as an Orleans grain: it adapts activation, calls, timers and reminders to
/// <see cref="WorkflowInstance"/>, which holds the logic. Reentrant, so that results arriving while a commit is in
/// flight join the next turn; the instance still runs one turn at a time. A timer due within
/// <see cref="BatonOptions.ReminderThreshold"/> is held in memory and keeps the grain active; a later one is carried
/// by the reminder of its second's <see cref="ITimerBucketGrain"/>, so the grain can be collected while it waits and
/// holds no reminder of its own; an instance that waits for nothing but such timers deactivates at once.
/// </summary>
[Reentrant]
internal sealed class WorkflowGrain(InstanceServices services, ActivityRunner runner, IGrainFactory grains) : Grain, IWorkflowGrain, IRemindable, IInstanceHost, ILocalInstance
{
    // The reminder each waiting instance held before timer buckets carried long waits: one still in a store wakes its instance once, and goes.
    private const string LegacyWakeReminder = "baton-wake";

    private WorkflowInstance _instance = null!;
    private ITimer? _timer;
    private DateTime? _timerDue;
    private int _timerFired;
    private long? _armedBucket;
    private readonly CancellationTokenSource _deactivating = new();
    private TaskScheduler _scheduler = null!;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _instance = new WorkflowInstance(this.GetPrimaryKeyString(), services, this);
        _scheduler = TaskScheduler.Current; // The activation's own: what runs on it runs as a turn of this grain.
        services.Local.Add(_instance.InstanceId, this);
        return Task.CompletedTask;
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        // Held waits end now rather than hold the deactivation (and a silo's shutdown) until they time out; waiters in this
        // silo look again, and wait wherever the instance is next.
        services.Local.Remove(_instance.InstanceId, this);
        await _deactivating.CancelAsync();
        services.Notifier.Signal(_instance.InstanceId);

        // Released only when reminders carry every wait: a timer in memory (a short wait, or a reminder that could not be
        // registered) keeps the owner, so that recovery wakes the instance if this silo goes.
        var carriedByReminders = _timer is null;
        _timer?.Dispose();
        if (carriedByReminders && _instance.CanRelease(services.Time.GetUtcNow().UtcDateTime))
        {
            try
            {
                await services.Store.ReleaseInstanceAsync(_instance.InstanceId, _instance.Revision, cancellationToken);
            }
            catch (Exception ex)
            {
                Log.ReleaseFailed(services.Logger, _instance.InstanceId, ex);
            }
        }
    }

    public Task<bool> StartAsync(StartCommand command) => _instance.StartAsync(command);

    public Task WakeAsync() => _instance.WakeAsync();

    public async Task<bool> WaitUntilFinishedAsync(TimeSpan wait)
    {
        // Registered before the read, so that a finish between the two still completes the wait.
        var finished = services.Notifier.NextSignal(_instance.InstanceId);
        if (!_instance.Unfinished && (await services.Store.GetInstanceAsync(_instance.InstanceId, CancellationToken.None))?.Status.IsTerminal() != false)
        {
            return true;
        }

        await Task.WhenAny(finished, Task.Delay(wait, services.Time, _deactivating.Token));
        return finished.IsCompleted;
    }

    public async Task<UpdateOutcome> UpdateAsync(UpdateRequest request, TimeSpan wait)
    {
        try
        {
            return await _instance.UpdateAsync(request, wait, _deactivating.Token);
        }
        catch (InvalidInstanceStateException)
        {
            // Sent again after the instance finished: its answer is in the history.
            if (await FindRecordedUpdateAsync(request.UpdateId) is { } recorded)
            {
                return recorded;
            }

            throw;
        }
    }

    private async Task<UpdateOutcome?> FindRecordedUpdateAsync(string updateId)
    {
        var history = await services.Store.GetHistoryAsync(_instance.InstanceId, CancellationToken.None);
        return history.Select(WorkflowUpdates.Ended).LastOrDefault(o => o?.UpdateId == updateId);
    }

    public Task DeliverActivityResultsAsync(ActivityResultMessage[] results) =>
        _instance.DeliverAsync(Array.ConvertAll(results, r => JsonSerializer.Deserialize<HistoryEvent>(r.Event, BatonJson.Options)!));

    bool ILocalInstance.Unfinished => _instance.Unfinished;

    Task<bool> ILocalInstance.DeliverHereAsync(IReadOnlyList<HistoryEvent> results) =>
        Task.Factory.StartNew(
            async () =>
            {
                if (_deactivating.IsCancellationRequested)
                {
                    return false;
                }

                // Orleans measures idleness by the calls a grain takes, and these results come without one.
                KeepActive(services.Time.GetUtcNow().UtcDateTime);
                await _instance.DeliverAsync(results);
                return true;
            },
            CancellationToken.None,
            TaskCreationOptions.None,
            _scheduler).Unwrap();

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        try
        {
            if (await this.GetReminder(LegacyWakeReminder) is { } reminder)
            {
                await this.UnregisterReminder(reminder);
            }
        }
        catch (Exception ex)
        {
            Log.ReminderRemovalFailed(services.Logger, _instance.InstanceId, ex);
        }

        await _instance.WakeAsync();
    }

    void IInstanceHost.Dispatch(IReadOnlyList<WorkItem> items)
    {
        foreach (var item in items)
        {
            runner.Enqueue(item);
        }
    }

    void IInstanceHost.Cancel(IReadOnlyList<int> steps) => runner.Cancel(_instance.InstanceId, steps);

    void IInstanceHost.Wake(IReadOnlyList<string> instanceIds)
    {
        foreach (var id in instanceIds)
        {
            _ = grains.WakeInstanceAsync(id, services.Logger);
        }
    }

    void IInstanceHost.Retire() => DeactivateOnIdle();

    async Task IInstanceHost.ArmTimerAsync(DateTime? dueAt)
    {
        var now = services.Time.GetUtcNow().UtcDateTime;
        var inMemory = dueAt is { } due && due - now <= services.Options.ReminderThreshold;
        if (!inMemory && dueAt is { } later)
        {
            // The wait is committed: its bucket's reminder wakes the instance at its second. A bucket armed before and left
            // behind (the wait ended early) wakes nothing of this instance's when it fires.
            var bucket = TimerBucketGrain.BucketOf(later);
            if (_armedBucket != bucket)
            {
                try
                {
                    await grains.GetGrain<ITimerBucketGrain>(bucket).ArmAsync();
                    _armedBucket = bucket;
                }
                catch (Exception ex)
                {
                    Log.ReminderFailed(services.Logger, _instance.InstanceId, ex);
                    inMemory = true; // Better a timer that keeps the grain active than a wait that nothing ends.
                }
            }
        }
        else
        {
            _armedBucket = null;
        }

        if (inMemory && dueAt is { } soon)
        {
            ArmInMemory(soon, now);
        }
        else
        {
            _timer?.Dispose();
            _timer = null;
            _timerDue = null;
            if (dueAt is not null && _instance.CanPark(now))
            {
                // Its bucket wakes it; until then it is rows on disk, not an activation.
                DeactivateOnIdle();
            }
        }
    }

    private void ArmInMemory(DateTime dueAt, DateTime now)
    {
        // A timer may fire a moment before the wall clock reaches its due time; then the same due time comes back, and is armed again.
        if (_timerDue == dueAt && Volatile.Read(ref _timerFired) == 0)
        {
            return;
        }

        _timer?.Dispose();
        _timerDue = dueAt;
        Volatile.Write(ref _timerFired, 0);
        var dueIn = dueAt > now ? dueAt - now : TimeSpan.Zero;
        _timer = services.Time.CreateTimer(_ => OnTimerFired(), null, dueIn, Timeout.InfiniteTimeSpan);
        KeepActive(now);
    }

    /// <summary>Keeps the activation for the idle timeout, and past the timer it holds in memory, if any.</summary>
    private void KeepActive(DateTime now)
    {
        var timerDueIn = _timer is not null && _timerDue is { } due && due > now ? due - now : TimeSpan.Zero;
        DelayDeactivation(timerDueIn + services.Options.IdleTimeout);
    }

    /// <summary>Runs on the timer's thread, outside the grain (so it uses the injected factory, not the grain's): it marks the timer spent and wakes the grain through a call.</summary>
    private void OnTimerFired()
    {
        Volatile.Write(ref _timerFired, 1);
        _ = grains.WakeInstanceAsync(_instance.InstanceId, services.Logger);
    }
}
