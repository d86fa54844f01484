using Baton.Grains.Replay;
using Baton.Grains.Storage;
using Baton.History;
using Microsoft.Extensions.Logging.Abstractions;

namespace Baton.Grains.Runtime;

/// <summary>
/// Answers a workflow's query from its committed history: a fresh executor replays it offline (no activity runs, nothing
/// is written, the live instance is not disturbed) and the handler the replayed code declared answers. The state it reads
/// is the last committed turn's, which is all a live instance has acted on.
/// </summary>
internal static class InstanceQuery
{
    /// <param name="instanceKey">The instance's key (see <see cref="WorkflowNamespaces"/>).</param>
    public static async Task<string?> AnswerAsync(IWorkflowStore store, Registry.WorkflowRegistry registry, string instanceKey, string queryName, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(queryName);
        var instanceId = WorkflowNamespaces.LocalId(instanceKey);
        var history = await ReadHistoryAsync(store, instanceKey, cancellationToken).ConfigureAwait(false);
        if (history is null)
        {
            // No history: no instance, or one created but not yet through its first turn, which has declared nothing yet.
            _ = await store.GetInstanceAsync(instanceKey, cancellationToken).ConfigureAwait(false) ?? throw new InstanceNotFoundException(instanceId);
            throw new QueryNotFoundException(instanceId, queryName, "");
        }

        var started = history.OfType<WorkflowStarted>().First();

        if (!registry.TryGetWorkflow(started.Name, started.Version, out var workflow))
        {
            throw new QueryFailedException(instanceId, queryName, $"workflow '{started.Name}' version {started.Version} is not registered on this silo.");
        }

        var executor = new WorkflowExecutor(instanceKey, workflow, registry, NullLogger.Instance);
        executor.Replay(history);
        if (executor.Divergence is { } divergence)
        {
            throw new QueryFailedException(instanceId, queryName, "its history no longer replays against the code: " + divergence.Message);
        }

        return executor.RunQuery(queryName);
    }

    /// <summary>
    /// The history to replay: the committed one, or between two runs (continued as new) the next run's start, which waits
    /// in the inbox. Read again once if the next run began between the two reads; null when there is neither.
    /// </summary>
    private static async Task<IReadOnlyList<HistoryEvent>?> ReadHistoryAsync(IWorkflowStore store, string instanceId, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < 2; attempt++)
        {
            var history = await store.GetHistoryAsync(instanceId, cancellationToken).ConfigureAwait(false);
            if (history.Any(e => e is WorkflowStarted))
            {
                return history;
            }

            var messages = await store.GetMessagesAsync(instanceId, 100, cancellationToken).ConfigureAwait(false);
            if (messages.Select(m => m.Event).OfType<WorkflowStarted>().FirstOrDefault() is { } next)
            {
                return [next];
            }
        }

        return null;
    }
}
