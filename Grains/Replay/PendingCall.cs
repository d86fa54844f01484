using Baton.History;
using Baton.Serialization;

namespace Baton.Grains.Replay;

/// <summary>A call the workflow is awaiting; completed by the history event that answers it.</summary>
internal abstract class PendingCall(int stepId)
{
    public int StepId { get; } = stepId;

    /// <summary>Completes the awaiting task from <paramref name="answer"/>; returns false if the event does not answer this kind of call.</summary>
    public abstract bool TryComplete(HistoryEvent answer);
}

internal sealed class PendingActivity<T>(int stepId, string name) : PendingCall(stepId)
{
    // Continuations run synchronously, on the workflow scheduler's thread, which keeps replay deterministic.
    public TaskCompletionSource<T> Source { get; } = new();

    public override bool TryComplete(HistoryEvent answer)
    {
        switch (answer)
        {
            case ActivityCompleted completed:
                Source.SetResult(BatonJson.Deserialize<T>(completed.Result)!);
                return true;
            case ActivityFailed failed:
                Source.SetException(new ActivityFailedException(name, StepId, failed.Failure));
                return true;
            default:
                return false;
        }
    }
}

internal sealed class PendingTimer(int stepId) : PendingCall(stepId)
{
    public TaskCompletionSource Source { get; } = new();

    public override bool TryComplete(HistoryEvent answer)
    {
        if (answer is not TimerFired)
        {
            return false;
        }

        Source.SetResult();
        return true;
    }
}

internal sealed class PendingStep<T>(int stepId, string name, Func<Task<T>> body) : PendingCall(stepId), IRunnableStep
{
    public TaskCompletionSource<T> Source { get; } = new();

    public string Name { get; } = name;

    public async Task<HistoryEvent> RunAsync()
    {
        try
        {
            // Task.Run takes the step off the workflow scheduler: a step may do real I/O on any thread.
            var result = await Task.Run(body).ConfigureAwait(false);
            return new StepCompleted(StepId, Name, BatonJson.Serialize(result));
        }
        catch (Exception ex)
        {
            return new StepFailed(StepId, Name, FailureDetails.FromException(ex));
        }
    }

    public override bool TryComplete(HistoryEvent answer)
    {
        switch (answer)
        {
            // The recorded JSON is what replay will see, so the first run sees it too.
            case StepCompleted completed:
                Source.SetResult(BatonJson.Deserialize<T>(completed.Result)!);
                return true;
            case StepFailed failed:
                Source.SetException(new StepFailedException(Name, StepId, failed.Failure));
                return true;
            default:
                return false;
        }
    }
}

/// <summary>An inline step waiting to be run by the executor between drains.</summary>
internal interface IRunnableStep
{
    int StepId { get; }

    Task<HistoryEvent> RunAsync();
}
