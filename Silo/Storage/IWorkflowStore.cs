using Baton.History;
using Baton.Grains.Replay;

namespace Baton.Silo.Storage;

/// <summary>
/// The durable state of a Baton cluster: instances, histories, inbox messages and timers, activity work
/// items, partition leases and silo membership. All coordination between silos goes through it.
/// </summary>
internal interface IWorkflowStore : IAsyncDisposable
{
    /// <summary>A human-readable location for messages (a path or a host).</summary>
    string Location { get; }

    /// <summary>Raised after messages were written for a partition by a path other than that partition's own commit.</summary>
    event Action<int>? MessagesAdded;

    /// <summary>Creates the schema on an empty store or checks that an existing one is Baton's, at this version, with this partition count.</summary>
    /// <exception cref="StoreIncompatibleException">The store is corrupt, foreign or configured differently.</exception>
    Task InitializeAsync(int partitionCount, CancellationToken cancellationToken);

    Task RegisterSiloAsync(string siloId, string host, int processId, DateTime now, CancellationToken cancellationToken);

    /// <summary>Heartbeats the silo, renews the leases it holds and takes free or expired partitions up to its fair share.</summary>
    Task<LeaseRound> RenewLeasesAsync(string siloId, IReadOnlyDictionary<int, long> held, DateTime now, TimeSpan leaseDuration, CancellationToken cancellationToken);

    /// <summary>Gives up the silo's partitions and marks it gone, so that others need not wait for its leases to expire.</summary>
    Task ReleaseAsync(string siloId, CancellationToken cancellationToken);

    /// <summary>The secret every silo on this store signs callback tokens with; available after <see cref="InitializeAsync"/>.</summary>
    byte[] ClusterSecret { get; }

    /// <summary>Commits one instance's turn atomically; many calls made together share one durable commit.</summary>
    /// <returns>The timers the commit inserted and the partitions it sent messages to.</returns>
    /// <exception cref="PartitionLostException">The partition's epoch moved on; nothing was written.</exception>
    Task<CommitOutcome> CommitAsync(InstanceCommit commit, CancellationToken cancellationToken);

    /// <summary>Writes a message to an instance's inbox if its status satisfies <paramref name="allowed"/>, in one write.</summary>
    Task<SendOutcome> SendAsync(string instanceId, HistoryEvent message, Func<WorkflowRuntimeStatus, bool> allowed, DateTime now, CancellationToken cancellationToken);

    /// <summary>
    /// Delivers a callback's completion, failure or heartbeat if the callback still waits; a completion or
    /// failure uses it up, so a second one is refused.
    /// </summary>
    Task<CallbackOutcome> SendToCallbackAsync(string tokenId, string instanceId, HistoryEvent message, bool usesUp, DateTime now, CancellationToken cancellationToken);

    /// <summary>Replaces a finished instance with a fresh start under the same id: everything stored for it is deleted first.</summary>
    /// <returns>What it found: the old status, and whether it restarted.</returns>
    Task<SendOutcome> RecreateAsync(InstanceRow row, int partition, WorkflowStarted start, CancellationToken cancellationToken);

    /// <summary>Deletes a finished instance and everything stored for it.</summary>
    Task<SendOutcome> PurgeAsync(string instanceId, CancellationToken cancellationToken);

    /// <summary>Deletes up to <paramref name="limit"/> finished instances matching the filter.</summary>
    /// <returns>How many were deleted.</returns>
    Task<int> PurgeAsync(PurgeFilter filter, int limit, CancellationToken cancellationToken);

    /// <summary>Creates an instance row with its start message, for a partition this silo does not own.</summary>
    Task<CreateOutcome> CreateInstanceAsync(InstanceRow row, int partition, WorkflowStarted start, CancellationToken cancellationToken);

    Task<InstanceRow?> GetInstanceAsync(string instanceId, CancellationToken cancellationToken);

    Task<IReadOnlyList<HistoryEvent>> GetHistoryAsync(string instanceId, CancellationToken cancellationToken);

    /// <summary>The partition's inbox messages visible before <paramref name="visibleBefore"/>, oldest first.</summary>
    Task<IReadOnlyList<InboxMessage>> GetMessagesAsync(int partition, DateTime visibleBefore, int limit, CancellationToken cancellationToken);

    /// <summary>Leases unowned work items, or those of silos not heard from since <paramref name="liveSince"/>, on the given queues.</summary>
    Task<IReadOnlyList<WorkItem>> ClaimWorkItemsAsync(string siloId, IReadOnlyCollection<string> queues, int limit, DateTime liveSince, CancellationToken cancellationToken);

    /// <summary>Records an activity's result as an inbox message and removes its work item, in one commit.</summary>
    Task DeliverResultAsync(WorkItem item, HistoryEvent result, DateTime now, CancellationToken cancellationToken);

    Task<WorkflowPage> ListAsync(WorkflowQuery query, CancellationToken cancellationToken);

    /// <summary>Reads the status event log after <paramref name="afterSequence"/>, oldest first.</summary>
    Task<IReadOnlyList<WorkflowStatusEvent>> ReadStatusEventsAsync(long afterSequence, int limit, CancellationToken cancellationToken);

    /// <summary>The sequence number of the newest status event, or 0 when the log is empty.</summary>
    Task<long> GetLastStatusEventAsync(CancellationToken cancellationToken);

    /// <summary>The last status event delivered to <paramref name="subscriber"/>, or null when it has no cursor yet.</summary>
    Task<long?> GetEventCursorAsync(string subscriber, CancellationToken cancellationToken);

    /// <summary>Records that <paramref name="subscriber"/> has received every event up to <paramref name="sequence"/>; a cursor never moves back.</summary>
    Task SetEventCursorAsync(string subscriber, long sequence, CancellationToken cancellationToken);

    /// <summary>Deletes status events older than <paramref name="olderThan"/> that every subscriber has received.</summary>
    Task<int> PruneStatusEventsAsync(DateTime olderThan, CancellationToken cancellationToken);

    /// <summary>Counts the instances matching the query's filters (paging ignored), by runtime status.</summary>
    Task<IReadOnlyDictionary<WorkflowRuntimeStatus, long>> CountByStatusAsync(WorkflowQuery query, CancellationToken cancellationToken);
}
