using System.Text.Json;
using Baton.Grains.Registry;
using Baton.History;
using Baton.Serialization;
using Microsoft.Extensions.Logging.Abstractions;

namespace Baton.Grains.Replay;

/// <summary>
/// Replays a recorded history against the workflow code registered today, to prove that a code change
/// keeps old instances replayable. Use it in tests with histories captured from real runs.
/// </summary>
public static class WorkflowReplayer
{
    /// <summary>Parses a history serialised as a JSON array of events.</summary>
    /// <param name="json">The JSON text.</param>
    /// <returns>The events.</returns>
    public static IReadOnlyList<HistoryEvent> ParseHistory(string json) =>
        JsonSerializer.Deserialize<HistoryEvent[]>(json, BatonJson.Options)
            ?? throw new JsonException("The history is null.");

    /// <summary>Replays <paramref name="history"/> and returns the status replay arrives at.</summary>
    /// <param name="registry">The registry holding the workflow named in the history's start event.</param>
    /// <param name="history">The recorded history; it must begin with <see cref="WorkflowStarted"/>.</param>
    /// <param name="instanceId">The instance id the history belongs to.</param>
    /// <returns>The status replay arrives at.</returns>
    /// <exception cref="NonDeterministicWorkflowException">The code takes a different path than the history recorded.</exception>
    public static WorkflowRuntimeStatus Replay(WorkflowRegistry registry, IReadOnlyList<HistoryEvent> history, string instanceId = "replay")
    {
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(history);
        if (history.Count == 0 || history[0] is not WorkflowStarted started)
        {
            throw new ArgumentException("A history must begin with a workflowStarted event.", nameof(history));
        }

        var executor = new WorkflowExecutor(instanceId, registry.GetWorkflow(started.Name), registry, NullLogger.Instance);
        executor.Replay(history);
        return executor.Divergence is { } divergence ? throw divergence : executor.Status;
    }
}
