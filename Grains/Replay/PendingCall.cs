using Baton.History;
using Baton.Serialization;

namespace Baton.Grains.Replay;

// The calls a workflow can be waiting on. Their task sources run continuations synchronously on purpose:
// continuations then run on the workflow scheduler's thread, in history order, which keeps replay deterministic.

/// <summary>A call the workflow is awaiting; answered by history events addressed to its step.</summary>
internal abstract class PendingCall(int stepId)
{
    public int StepId { get; } = stepId;

    /// <summary>The registration of the cancellation token the call was made with.</summary>
    public CancellationTokenRegistration Cancellation { get; set; }

    /// <summary>True when the call is an activity that a worker may be running; ending the instance signals it.</summary>
    public virtual bool RunsOnWorker => false;

    /// <summary>True when the call keeps rows beside its work item (timers, a callback) that must be removed once it is answered.</summary>
    public virtual bool HasSideRows => false;

    /// <summary>Whether <paramref name="answer"/> is a kind of event this call takes.</summary>
    public abstract bool Accepts(HistoryEvent answer);

    /// <summary>Applies an answer; true when the call is resolved, false when it still waits (a heartbeat, an early timer).</summary>
    public abstract bool Apply(HistoryEvent answer, WorkflowExecutor executor);

    /// <summary>Cancels the awaiting task.</summary>
    public abstract void Cancel(CancellationToken token);

    /// <summary>The work to issue again when a rewind brings this call back to life.</summary>
    public virtual IEnumerable<ScheduledWork> Reissue(DateTime now) => [];
}

internal sealed class PendingActivity<T>(ActivityWork work) : PendingCall(work.StepId)
{
    public TaskCompletionSource<T> Source { get; } = new();

    public override bool RunsOnWorker => true;

    public override bool Accepts(HistoryEvent answer) => answer is ActivityCompleted or ActivityFailed;

    public override bool Apply(HistoryEvent answer, WorkflowExecutor executor)
    {
        if (answer is ActivityCompleted completed)
        {
            Source.Complete(completed.Result, $"the result of activity '{work.Name}'");
        }
        else
        {
            Source.TrySetException(new ActivityFailedException(work.Name, StepId, ((ActivityFailed)answer).Failure));
        }

        return true;
    }

    public override void Cancel(CancellationToken token) => Source.TrySetCanceled(token);

    public override IEnumerable<ScheduledWork> Reissue(DateTime now) => [work];
}

internal sealed class PendingTimer(int stepId, DateTime fireAt) : PendingCall(stepId)
{
    public TaskCompletionSource Source { get; } = new();

    public override bool Accepts(HistoryEvent answer) => answer is TimerFired;

    public override bool Apply(HistoryEvent answer, WorkflowExecutor executor)
    {
        Source.TrySetResult();
        return true;
    }

    public override void Cancel(CancellationToken token) => Source.TrySetCanceled(token);

    public override IEnumerable<ScheduledWork> Reissue(DateTime now) => [new TimerWork(StepId, fireAt)];
}

internal sealed class PendingStep<T>(int stepId, string name, Func<Task<T>> body) : PendingCall(stepId), IRunnableStep
{
    public TaskCompletionSource<T> Source { get; } = new();

    public string Name { get; } = name;

    public async Task<HistoryEvent> RunAsync(long maxPayloadBytes)
    {
        try
        {
            // Task.Run takes the step off the workflow scheduler: a step may do real I/O on any thread.
            var result = await Task.Run(body).ConfigureAwait(false);
            var json = BatonJson.Serialize(result);
            PayloadLimit.Check(json, maxPayloadBytes, $"the result of step '{Name}'");
            return new StepCompleted(StepId, Name, json);
        }
        catch (Exception ex)
        {
            return new StepFailed(StepId, Name, FailureDetails.FromException(ex));
        }
    }

    public override bool Accepts(HistoryEvent answer) => answer is StepCompleted or StepFailed;

    public override bool Apply(HistoryEvent answer, WorkflowExecutor executor)
    {
        // The recorded JSON is what replay will see, so the first run sees it too.
        if (answer is StepCompleted completed)
        {
            Source.Complete(completed.Result, $"the result of step '{Name}'");
        }
        else
        {
            Source.TrySetException(new StepFailedException(Name, StepId, ((StepFailed)answer).Failure));
        }

        return true;
    }

    public override void Cancel(CancellationToken token) => Source.TrySetCanceled(token);
}

/// <summary>An inline step waiting to be run by the executor between drains.</summary>
internal interface IRunnableStep
{
    int StepId { get; }

    Task<HistoryEvent> RunAsync(long maxPayloadBytes);
}

/// <summary>A wait for an outside event, answered by name rather than by step.</summary>
internal interface IPendingEventWait
{
    int StepId { get; }

    string Name { get; }

    bool HasTimeout { get; }

    void Resolve(EventRaised raised);
}

internal sealed class PendingEventWait<T>(int stepId, string name, TimeSpan? timeout, DateTime? timeoutAt) : PendingCall(stepId), IPendingEventWait
{
    public TaskCompletionSource<T> Source { get; } = new();

    public string Name { get; } = name;

    public bool HasTimeout => timeoutAt is not null;

    public override bool HasSideRows => HasTimeout;

    public void Resolve(EventRaised raised) => Source.Complete(raised.Input, $"the data of event '{Name}'");

    public override bool Accepts(HistoryEvent answer) => answer is TimerFired && HasTimeout;

    public override bool Apply(HistoryEvent answer, WorkflowExecutor executor)
    {
        executor.Events.RemoveWaiter(this);
        Source.TrySetException(new EventTimeoutException(Name, timeout!.Value));
        return true;
    }

    public override void Cancel(CancellationToken token) => Source.TrySetCanceled(token);

    public override IEnumerable<ScheduledWork> Reissue(DateTime now) => timeoutAt is { } at ? [new TimerWork(StepId, at)] : [];
}

internal sealed class PendingCallback<T>(CallbackCreated created) : PendingCall(created.StepId)
{
    private DateTime? _heartbeatDeadline = created.HeartbeatTimeout is { } beat ? created.Timestamp + beat : null;

    public TaskCompletionSource<T> Source { get; } = new();

    public override bool HasSideRows => true;

    public override bool Accepts(HistoryEvent answer) => answer switch
    {
        CallbackCompleted or CallbackFailed or CallbackHeartbeat => true,
        TimerFired => created.TimeoutAt is not null || created.HeartbeatTimeout is not null,
        _ => false,
    };

    public override bool Apply(HistoryEvent answer, WorkflowExecutor executor)
    {
        switch (answer)
        {
            case CallbackCompleted completed:
                Source.Complete(completed.Result, $"the result of callback '{created.Name}'");
                return true;
            case CallbackFailed failed:
                Source.TrySetException(new CallbackFailedException(created.Name, failed.Failure));
                return true;
            case CallbackHeartbeat heartbeat:
                _heartbeatDeadline = heartbeat.Timestamp + created.HeartbeatTimeout;
                return false;
            default:
                var now = answer.Timestamp;
                if (created.TimeoutAt is { } timeoutAt && now >= timeoutAt)
                {
                    Source.TrySetException(new CallbackTimeoutException(created.Name, missedHeartbeat: false));
                    return true;
                }

                if (_heartbeatDeadline is { } deadline)
                {
                    if (now >= deadline)
                    {
                        Source.TrySetException(new CallbackTimeoutException(created.Name, missedHeartbeat: true));
                        return true;
                    }

                    // A heartbeat moved the deadline since this timer was set: wait for the new one.
                    executor.AddWork(new TimerWork(StepId, deadline));
                }

                return false;
        }
    }

    public override void Cancel(CancellationToken token) => Source.TrySetCanceled(token);

    public override IEnumerable<ScheduledWork> Reissue(DateTime now)
    {
        yield return new CallbackWork(StepId, created.TokenId);
        if (created.TimeoutAt is { } at)
        {
            yield return new TimerWork(StepId, at);
        }

        if (created.HeartbeatTimeout is { } beat)
        {
            _heartbeatDeadline = now + beat;
            yield return new TimerWork(StepId, now + beat);
        }
    }
}

/// <summary>A child workflow call, for terminate to cascade to.</summary>
internal interface IPendingChild
{
    string ChildInstanceId { get; }
}

internal sealed class PendingChild<T>(int stepId, string name, string childInstanceId) : PendingCall(stepId), IPendingChild
{
    public TaskCompletionSource<T> Source { get; } = new();

    public string ChildInstanceId { get; } = childInstanceId;

    public override bool Accepts(HistoryEvent answer) => answer is ChildWorkflowCompleted or ChildWorkflowFailed;

    public override bool Apply(HistoryEvent answer, WorkflowExecutor executor)
    {
        if (answer is ChildWorkflowCompleted completed)
        {
            Source.Complete(completed.Output, $"the output of child workflow '{name}'");
        }
        else
        {
            Source.TrySetException(new ChildWorkflowFailedException(name, ChildInstanceId, StepId, ((ChildWorkflowFailed)answer).Failure));
        }

        return true;
    }

    public override void Cancel(CancellationToken token) => Source.TrySetCanceled(token);
}
