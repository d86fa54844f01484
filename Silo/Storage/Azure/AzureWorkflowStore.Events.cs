namespace Baton.Silo.Storage.Azure;

// The status event log and webhook cursors (AzureStatusLog).
internal sealed partial class AzureWorkflowStore
{
    public Task<IReadOnlyList<WorkflowStatusEvent>> ReadStatusEventsAsync(long afterSequence, int limit, CancellationToken cancellationToken) =>
        StatusLog.ReadAsync(afterSequence, limit, cancellationToken);

    public Task<long> GetLastStatusEventAsync(CancellationToken cancellationToken) => StatusLog.LastAsync(cancellationToken);

    public Task<long?> GetEventCursorAsync(string subscriber, CancellationToken cancellationToken) => StatusLog.GetCursorAsync(subscriber, cancellationToken);

    public Task SetEventCursorAsync(string subscriber, long sequence, CancellationToken cancellationToken) => StatusLog.SetCursorAsync(subscriber, sequence, cancellationToken);

    public Task<int> PruneStatusEventsAsync(DateTime olderThan, CancellationToken cancellationToken) => StatusLog.PruneAsync(olderThan, cancellationToken);
}
