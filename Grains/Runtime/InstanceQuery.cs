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
    public static async Task<string?> AnswerAsync(IWorkflowStore store, Registry.WorkflowRegistry registry, string instanceId, string queryName, CancellationToken cancellationToken)
    {
        InstanceIds.Validate(instanceId);
        ArgumentException.ThrowIfNullOrWhiteSpace(queryName);
        var history = await store.GetHistoryAsync(instanceId, cancellationToken).ConfigureAwait(false);
        if (history.Count == 0 || history[0] is not WorkflowStarted started)
        {
            // No history: no instance, or one created but not yet through its first turn, which has declared nothing yet.
            _ = await store.GetInstanceAsync(instanceId, cancellationToken).ConfigureAwait(false) ?? throw new InstanceNotFoundException(instanceId);
            throw new QueryNotFoundException(instanceId, queryName, "");
        }

        if (!registry.TryGetWorkflow(started.Name, started.Version, out var workflow))
        {
            throw new QueryFailedException(instanceId, queryName, $"workflow '{started.Name}' version {started.Version} is not registered on this silo.");
        }

        var executor = new WorkflowExecutor(instanceId, workflow, registry, NullLogger.Instance);
        executor.Replay(history);
        if (executor.Divergence is { } divergence)
        {
            throw new QueryFailedException(instanceId, queryName, "its history no longer replays against the code: " + divergence.Message);
        }

        return executor.RunQuery(queryName);
    }
}
