namespace Baton;

/// <summary>The lifecycle state of a workflow instance.</summary>
[GenerateSerializer]
[Alias("Baton.WorkflowRuntimeStatus")]
public enum WorkflowRuntimeStatus
{
    /// <summary>Accepted, not yet run.</summary>
    Pending = 0,

    /// <summary>Started and not finished: running or waiting on activities, timers or events.</summary>
    Running = 1,

    /// <summary>Returned an output.</summary>
    Completed = 2,

    /// <summary>Threw, or its replay was non-deterministic.</summary>
    Failed = 3,

    /// <summary>Stopped by an operator.</summary>
    Terminated = 4,

    /// <summary>Paused by an operator; events are queued and timers fire on resume.</summary>
    Suspended = 5,

    /// <summary>Restarted itself with fresh history; running again once the new run starts.</summary>
    ContinuedAsNew = 6,

    /// <summary>Cannot run on the hosts that hold it: its workflow version is not registered there. Nothing is consumed; it resumes on a host that has the version (see <see cref="WorkflowStatus.StatusReason"/>).</summary>
    Stalled = 7,
}

/// <summary>Helpers on <see cref="WorkflowRuntimeStatus"/>.</summary>
public static class WorkflowRuntimeStatusExtensions
{
    /// <summary>True for states an instance never leaves by itself: completed, failed, terminated.</summary>
    /// <param name="status">The status.</param>
    /// <returns>Whether the instance has finished.</returns>
    public static bool IsTerminal(this WorkflowRuntimeStatus status) =>
        status is WorkflowRuntimeStatus.Completed or WorkflowRuntimeStatus.Failed or WorkflowRuntimeStatus.Terminated;
}
