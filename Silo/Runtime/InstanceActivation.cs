using Baton.Grains.Replay;

namespace Baton.Silo.Runtime;

/// <summary>
/// An instance held in memory by its partition (the grain activation): its executor keeps the workflow's
/// state between turns, so a turn applies only new events. Collected when idle.
/// </summary>
internal sealed class InstanceActivation
{
    private InstanceActivation(WorkflowExecutor? executor, DateTime now, string? unregisteredWorkflow, int historyLength)
    {
        Executor = executor;
        LastUsed = now;
        UnregisteredWorkflow = unregisteredWorkflow;
        HistoryLength = historyLength;
    }

    /// <summary>The replay state machine; null when the instance cannot run (finished, or its workflow is not registered here).</summary>
    public WorkflowExecutor? Executor { get; }

    /// <summary>The workflow name of a running instance that this host has no registration for.</summary>
    public string? UnregisteredWorkflow { get; }

    /// <summary>The committed history length of an instance without an executor.</summary>
    public int HistoryLength { get; }

    public DateTime LastUsed { get; set; }

    public bool IsFinished => Executor?.IsFinished ?? UnregisteredWorkflow is null;

    public static InstanceActivation Running(WorkflowExecutor executor, DateTime now) => new(executor, now, null, 0);

    public static InstanceActivation Finished(DateTime now) => new(null, now, null, 0);

    public static InstanceActivation Unregistered(string workflowName, int historyLength, DateTime now) => new(null, now, workflowName, historyLength);
}
