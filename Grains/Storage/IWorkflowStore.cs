using Baton.History;
using Baton.Grains.Replay;

namespace Baton.Grains.Storage;

/// <summary>
/// The durable state of Baton: instances, histories, inbox messages and timers, activity work items, callbacks,
/// payloads and the status event log. Orleans coordinates the silos; the store fences each instance's commits by revision.
/// </summary>
internal interface IWorkflowStore : IAsyncDisposable
{
    /// <summary>A human-readable location for messages (a path or a host).</summary>
    string Location { get; }

    /// <summary>Creates the schema on an empty store or checks that an existing one is Baton's, at this version.</summary>
    /// <exception cref="StoreIncompatibleException">The store is corrupt, foreign or of another schema version.</exception>
    Task InitializeAsync(CancellationToken cancellationToken);

    /// <summary>The secret every silo on this store signs callback tokens with; available after <see cref="InitializeAsync"/>.</summary>
    byte[] ClusterSecret { get; }

    /// <summary>Commits one instance's turn atomically; many calls made together share one durable commit.</summary>
    /// <returns>The timers the commit inserted and the instances it sent messages to.</returns>
    /// <exception cref="InstanceConflictException">Another activation committed first (the revision moved on); nothing was written.</exception>
    Task<CommitOutcome> CommitAsync(InstanceCommit commit, CancellationToken cancellationToken);

    /// <summary>Writes a message to an instance's inbox if its status satisfies <paramref name="allowed"/>, in one write; the caller wakes the instance.</summary>
    Task<SendOutcome> SendAsync(string instanceId, HistoryEvent message, Func<WorkflowRuntimeStatus, bool> allowed, DateTime now, CancellationToken cancellationToken);

    /// <summary>
    /// Delivers a callback's completion, failure or heartbeat if the callback still waits; a completion or
    /// failure uses it up, so a second one is refused.
    /// </summary>
    Task<CallbackOutcome> SendToCallbackAsync(string tokenId, string instanceId, HistoryEvent message, bool usesUp, DateTime now, CancellationToken cancellationToken);

    /// <summary>Replaces a finished instance with a fresh start under the same id: everything stored for it is deleted first.</summary>
    /// <returns>What it found: the old status, and whether it restarted.</returns>
    Task<SendOutcome> RecreateAsync(InstanceRow row, WorkflowStarted start, CancellationToken cancellationToken);

    /// <summary>Deletes a finished instance and everything stored for it.</summary>
    Task<SendOutcome> PurgeAsync(string instanceId, CancellationToken cancellationToken);

    /// <summary>Deletes up to <paramref name="limit"/> finished instances matching the filter.</summary>
    /// <returns>How many were deleted.</returns>
    Task<int> PurgeAsync(PurgeFilter filter, int limit, CancellationToken cancellationToken);

    Task<InstanceRow?> GetInstanceAsync(string instanceId, CancellationToken cancellationToken);

    Task<IReadOnlyList<HistoryEvent>> GetHistoryAsync(string instanceId, CancellationToken cancellationToken);

    /// <summary>Up to <paramref name="limit"/> history events after position <paramref name="afterPosition"/> (-1 for the first), with their positions, oldest first.</summary>
    Task<IReadOnlyList<(long Position, HistoryEvent Event)>> GetHistoryAfterAsync(string instanceId, long afterPosition, int limit, CancellationToken cancellationToken);

    /// <summary>The instance's inbox messages (timers not yet due included), oldest first.</summary>
    Task<IReadOnlyList<InboxMessage>> GetMessagesAsync(string instanceId, int limit, CancellationToken cancellationToken);

    /// <summary>Takes over an instance for <paramref name="owner"/> if its revision is still <paramref name="expectedRevision"/>.</summary>
    /// <returns>The new revision.</returns>
    /// <exception cref="InstanceConflictException">The revision moved on.</exception>
    Task<long> ClaimInstanceAsync(string instanceId, long expectedRevision, string owner, CancellationToken cancellationToken);

    /// <summary>Clears an instance's owner when its only waits are carried by reminders, so that recovery leaves it alone.</summary>
    Task ReleaseInstanceAsync(string instanceId, long revision, CancellationToken cancellationToken);

    /// <summary>Unfinished instances with pending work (messages or work items) whose owner is not among <paramref name="liveSilos"/>.</summary>
    Task<IReadOnlyList<string>> FindOrphanedInstancesAsync(IReadOnlyCollection<string> liveSilos, int limit, CancellationToken cancellationToken);

    /// <summary>
    /// Unfinished instances with an inbox message due before <paramref name="dueBefore"/>, whoever owns them. A message is
    /// taken within moments of being due unless the wake-up it needed was lost (a call that failed while the cluster
    /// changed, a timer whose activation went away), so these are instances to wake again.
    /// </summary>
    /// <param name="dueBefore">The end of the range of due times, exclusive.</param>
    /// <param name="limit">The most ids returned.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <param name="dueFrom">The start of the range of due times, inclusive; null for no start (a timer bucket's sweep gives one).</param>
    Task<IReadOnlyList<string>> FindOverdueInstancesAsync(DateTime dueBefore, int limit, CancellationToken cancellationToken, DateTime? dueFrom = null);

    /// <summary>Leases work items on the given queues that no live silo holds: unowned, or owned by a silo not among <paramref name="liveSilos"/>.</summary>
    Task<IReadOnlyList<WorkItem>> ClaimWorkItemsAsync(string siloId, IReadOnlyCollection<string> queues, IReadOnlyCollection<string> liveSilos, int limit, CancellationToken cancellationToken);

    /// <summary>Records an activity's result as an inbox message and removes its work item, in one commit.</summary>
    /// <returns>False when the work item was already answered or withdrawn (nothing written).</returns>
    Task<bool> DeliverResultAsync(WorkItem item, HistoryEvent result, DateTime now, CancellationToken cancellationToken);

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
