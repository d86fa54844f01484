using Baton.Grains.Replay;

namespace Baton.Grains.Runtime;

/// <summary>
/// An instance held in memory by its workflow grain: its executor keeps the workflow's
/// state between turns, so a turn applies only new events. Orleans collects the grain, and with it this, when idle.
/// </summary>
internal sealed class InstanceActivation
{
    private InstanceActivation(WorkflowExecutor? executor)
    {
        Executor = executor;
    }

    /// <summary>The replay state machine; null when the instance cannot run (finished, or its version is not registered here).</summary>
    public WorkflowExecutor? Executor { get; }

    /// <summary>Why a running instance cannot run here (its version is not registered), or null.</summary>
    public WorkflowVersionNotRegisteredException? Stalled { get; private init; }

    /// <summary>True once the stalled status is recorded, so that it is written once.</summary>
    public bool StallReported { get; set; }

    /// <summary>The status of a finished instance.</summary>
    public WorkflowRuntimeStatus? FinishedStatus { get; private init; }

    /// <summary>The workflow name and version of an instance without an executor.</summary>
    public (string Name, int Version) Workflow { get; private init; }

    public bool IsFinished => Executor?.IsFinished ?? FinishedStatus is not null;

    public static InstanceActivation Running(WorkflowExecutor executor) => new(executor);

    public static InstanceActivation Finished(string name, int version, WorkflowRuntimeStatus status) =>
        new(null) { FinishedStatus = status, Workflow = (name, version) };

    public static InstanceActivation Unregistered(string name, int version, bool alreadyReported) =>
        new(null) { Stalled = new WorkflowVersionNotRegisteredException(name, version), StallReported = alreadyReported, Workflow = (name, version) };
}
