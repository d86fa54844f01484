namespace Baton;

/// <summary>The lifecycle state of a workflow instance.</summary>
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

    /// <summary>Restarted itself with fresh history.</summary>
    ContinuedAsNew = 6,
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
