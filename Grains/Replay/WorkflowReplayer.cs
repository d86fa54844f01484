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
    /// <summary>
    /// Parses a history as Baton exports it: a JSON array of events (<c>GET …/instances/{id}/history</c>, or a file of
    /// them), or an instance's status with its events inlined (<c>GET …/instances/{id}?showHistory=true</c>, whose
    /// <c>historyEvents</c> it reads; a history longer than one page is in the history route, a page at a time).
    /// </summary>
    /// <param name="json">The JSON text.</param>
    /// <returns>The events.</returns>
    /// <exception cref="JsonException">The text is neither shape, or an event is not one Baton writes.</exception>
    public static IReadOnlyList<HistoryEvent> ParseHistory(string json)
    {
        using var document = JsonDocument.Parse(json);
        var events = document.RootElement switch
        {
            { ValueKind: JsonValueKind.Array } array => array,
            { ValueKind: JsonValueKind.Object } status when status.TryGetProperty("historyEvents", out var inlined) && inlined.ValueKind == JsonValueKind.Array => inlined,
            _ => throw new JsonException("A history is a JSON array of events, or an instance status with historyEvents (fetched with showHistory=true)."),
        };
        return events.Deserialize<HistoryEvent[]>(BatonJson.Options) ?? throw new JsonException("The history is null.");
    }

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
