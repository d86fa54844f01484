using Baton.History;

namespace Baton.Grains.Replay;

/// <summary>What one turn of a workflow produced; committed atomically by the silo.</summary>
/// <param name="NewEvents">Events to append to history, in order (after <see cref="HistoryReset"/>, the whole new history).</param>
/// <param name="NewWork">Activity work items, timers, callbacks and children to persist.</param>
/// <param name="Status">The instance's status after the turn.</param>
/// <param name="Output">The output as JSON when the turn completed the workflow (or a termination's reason).</param>
/// <param name="Failure">The failure when the turn failed the workflow.</param>
public sealed record TurnResult(
    IReadOnlyList<HistoryEvent> NewEvents,
    IReadOnlyList<ScheduledWork> NewWork,
    WorkflowRuntimeStatus Status,
    string? Output,
    FailureDetails? Failure)
{
    /// <summary>True when the stored history must be replaced by <see cref="NewEvents"/> (continue-as-new, rewind).</summary>
    public bool HistoryReset { get; init; }

    /// <summary>Steps whose timers, callback and work item are no longer needed (answered or cancelled; when the run ends, its pending activities).</summary>
    public IReadOnlyList<int> ClosedSteps { get; init; } = [];

    /// <summary>True when every timer, callback and work item of the instance is no longer needed (it finished or continued as new).</summary>
    public bool CloseAll { get; init; }

    /// <summary>Messages to other instances (or to this one, for its next run).</summary>
    public IReadOnlyList<OutgoingMessage> Outgoing { get; init; } = [];

    /// <summary>True when <see cref="CustomStatus"/> changed in this turn.</summary>
    public bool CustomStatusChanged { get; init; }

    /// <summary>The custom status as JSON, when <see cref="CustomStatusChanged"/>.</summary>
    public string? CustomStatus { get; init; }

    /// <summary>Why the instance is in its state (a termination's reason), or null.</summary>
    public string? StatusReason { get; init; }
}

/// <summary>A message a turn sends to an instance's inbox.</summary>
/// <param name="InstanceId">The receiving instance.</param>
/// <param name="Event">What it receives.</param>
public sealed record OutgoingMessage(string InstanceId, HistoryEvent Event);
