namespace Baton.Grains.Replay;

/// <summary>Work a turn produced that the store must persist with the turn's history: activity work items, timers, callbacks and child instances.</summary>
/// <param name="StepId">The step number of the call that produced it.</param>
public abstract record ScheduledWork(int StepId);

/// <summary>An activity to run.</summary>
/// <param name="StepId">The call's step number.</param>
/// <param name="Name">The activity name.</param>
/// <param name="Input">The input as JSON.</param>
/// <param name="Queue">The queue to route it to.</param>
/// <param name="StartToClose">How long one attempt may run, if limited.</param>
/// <param name="HeartbeatTimeout">How long the attempt may go without a heartbeat, if limited.</param>
public sealed record ActivityWork(int StepId, string Name, string? Input, string Queue, TimeSpan? StartToClose = null, TimeSpan? HeartbeatTimeout = null)
    : ScheduledWork(StepId);

/// <summary>A durable timer.</summary>
/// <param name="StepId">The timer's step number.</param>
/// <param name="FireAt">When it fires (UTC).</param>
public sealed record TimerWork(int StepId, DateTime FireAt) : ScheduledWork(StepId);

/// <summary>A callback an outside system may complete; the store keeps it so that a used or stale token is refused.</summary>
/// <param name="StepId">The callback's step number.</param>
/// <param name="TokenId">The token's unique part.</param>
public sealed record CallbackWork(int StepId, string TokenId) : ScheduledWork(StepId);

/// <summary>A child workflow instance to create, in the same commit as the parent's call.</summary>
/// <param name="StepId">The parent's call's step number.</param>
/// <param name="InstanceId">The child's instance id.</param>
/// <param name="Name">The child's workflow name.</param>
/// <param name="Version">The child's workflow version.</param>
/// <param name="Input">The child's input as JSON.</param>
public sealed record ChildWork(int StepId, string InstanceId, string Name, int Version, string? Input) : ScheduledWork(StepId)
{
    /// <summary>
    /// True for an instance created if missing, with no parent: an entity that an operation is sent to. When the id is
    /// taken, nothing is said to the sender.
    /// </summary>
    public bool Detached { get; init; }
}
