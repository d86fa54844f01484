using Baton.History;

namespace Baton.Grains.Replay;

/// <summary>What one turn of a workflow produced; committed atomically by the silo.</summary>
/// <param name="NewEvents">Events to append to history, in order.</param>
/// <param name="NewWork">Activity work items and timers to persist.</param>
/// <param name="Status">The instance's status after the turn.</param>
/// <param name="Output">The output as JSON when the turn completed the workflow.</param>
/// <param name="Failure">The failure when the turn failed the workflow.</param>
public sealed record TurnResult(
    IReadOnlyList<HistoryEvent> NewEvents,
    IReadOnlyList<ScheduledWork> NewWork,
    WorkflowRuntimeStatus Status,
    string? Output,
    FailureDetails? Failure);
