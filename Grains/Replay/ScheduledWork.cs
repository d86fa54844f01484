namespace Baton.Grains.Replay;

/// <summary>Work a turn produced that the store must persist with the turn's history: activity work items and timers.</summary>
/// <param name="StepId">The step number of the call that produced it.</param>
public abstract record ScheduledWork(int StepId);

/// <summary>An activity to run.</summary>
/// <param name="StepId">The call's step number.</param>
/// <param name="Name">The activity name.</param>
/// <param name="Input">The input as JSON.</param>
/// <param name="Queue">The queue to route it to.</param>
public sealed record ActivityWork(int StepId, string Name, string? Input, string Queue) : ScheduledWork(StepId);

/// <summary>A durable timer.</summary>
/// <param name="StepId">The timer's step number.</param>
/// <param name="FireAt">When it fires (UTC).</param>
public sealed record TimerWork(int StepId, DateTime FireAt) : ScheduledWork(StepId);
