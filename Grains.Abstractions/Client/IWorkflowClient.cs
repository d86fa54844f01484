namespace Baton;

/// <summary>Starts, inspects and waits on workflow instances. In-process in a silo or API host; over HTTP from other services.</summary>
public interface IWorkflowClient
{
    /// <summary>
    /// Starts a workflow instance. Idempotent on a caller-chosen id: starting an id that exists returns that
    /// id and starts nothing, unless <see cref="StartWorkflowOptions.IfExists"/> says to fail.
    /// </summary>
    /// <param name="workflowName">The registered workflow name.</param>
    /// <param name="input">The input, serialised to JSON; it must deserialise to the workflow's input type.</param>
    /// <param name="options">The id and reuse policy; null for a generated id.</param>
    /// <param name="cancellationToken">Cancels the wait for the start to be durable (not the start itself once sent).</param>
    /// <returns>The instance id, once the start is durable.</returns>
    /// <exception cref="WorkflowNotRegisteredException">No workflow has that name.</exception>
    /// <exception cref="InvalidInstanceIdException">The id is empty, longer than 256 characters, or has control characters.</exception>
    /// <exception cref="InvalidWorkflowInputException">The input does not deserialise to the workflow's input type.</exception>
    /// <exception cref="InstanceAlreadyExistsException">The id is taken and the policy is <see cref="InstanceIdReusePolicy.Fail"/>.</exception>
    Task<string> StartAsync(string workflowName, object? input = null, StartWorkflowOptions? options = null, CancellationToken cancellationToken = default);

    /// <summary>Gets an instance's status, optionally with its history.</summary>
    /// <param name="instanceId">The instance id.</param>
    /// <param name="includeHistory">Whether to load the history too.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The status, or null when no instance has that id.</returns>
    Task<WorkflowStatus?> GetStatusAsync(string instanceId, bool includeHistory = false, CancellationToken cancellationToken = default);

    /// <summary>
    /// Reads an instance's history a page at a time, oldest events first, so that a history of any size is read in bounded
    /// memory. Pass each page's <see cref="HistoryPage.ContinuationToken"/> back for the next.
    /// </summary>
    /// <param name="instanceId">The instance.</param>
    /// <param name="continuationToken">Null for the first page, else the previous page's token.</param>
    /// <param name="pageSize">Events per page, 1 to 10,000.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>One page.</returns>
    /// <exception cref="InstanceNotFoundException">No instance has this id.</exception>
    Task<HistoryPage> GetHistoryAsync(string instanceId, string? continuationToken = null, int pageSize = 1000, CancellationToken cancellationToken = default);

    /// <summary>
    /// Asks a query the workflow declared (<see cref="IWorkflowContext.SetQueryHandler"/>): its answer from the state of the
    /// instance's last committed turn, rebuilt by replaying its history. Running, waiting, collected or finished, the
    /// instance answers the same way; the history never changes.
    /// </summary>
    /// <param name="instanceId">The instance.</param>
    /// <param name="queryName">The query's name (case-insensitive).</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The answer as JSON (see <see cref="WorkflowClientExtensions.QueryAsync{T}"/> for a typed one).</returns>
    /// <exception cref="InstanceNotFoundException">No instance has this id.</exception>
    /// <exception cref="QueryNotFoundException">The workflow has declared no query of that name by its last committed turn.</exception>
    /// <exception cref="QueryFailedException">The handler threw, or the instance's history no longer replays against the code.</exception>
    Task<string?> QueryAsync(string instanceId, string queryName, CancellationToken cancellationToken = default);

    /// <summary>
    /// Sends an update to a running instance and waits for its result (see <see cref="IWorkflowContext.SetUpdateHandler"/>):
    /// the workflow's validator may reject it before anything is recorded; an accepted update is recorded and answered
    /// once its handler returns. Sending again with the same <see cref="UpdateOptions.UpdateId"/> waits for the same
    /// update rather than running it twice, so a client that lost its answer sends again.
    /// </summary>
    /// <param name="instanceId">The instance.</param>
    /// <param name="updateName">The update's name.</param>
    /// <param name="input">The input, serialised to JSON; null for none.</param>
    /// <param name="options">The update's id; null for a new one.</param>
    /// <param name="cancellationToken">Stops waiting (the update, once accepted, still runs).</param>
    /// <returns>The handler's result as JSON, or null.</returns>
    /// <exception cref="InstanceNotFoundException">No such instance.</exception>
    /// <exception cref="InvalidInstanceStateException">The instance is not running (finished, or not started).</exception>
    /// <exception cref="UpdateNotFoundException">The workflow declares no update of that name.</exception>
    /// <exception cref="UpdateRejectedException">The input does not read as the handler's type, or the validator threw; nothing was recorded.</exception>
    /// <exception cref="UpdateFailedException">The handler threw, or the run ended before it returned.</exception>
    Task<string?> UpdateAsync(string instanceId, string updateName, object? input = null, UpdateOptions? options = null, CancellationToken cancellationToken = default);

    /// <summary>Waits until the instance completes, fails or is terminated.</summary>
    /// <param name="instanceId">The instance id.</param>
    /// <param name="timeout">How long to wait at most; null for no limit beyond <paramref name="cancellationToken"/>.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The final status.</returns>
    /// <exception cref="InstanceNotFoundException">No instance has that id.</exception>
    /// <exception cref="TimeoutException">The instance did not finish within <paramref name="timeout"/>.</exception>
    Task<WorkflowStatus> WaitForCompletionAsync(string instanceId, TimeSpan? timeout = null, CancellationToken cancellationToken = default);

    /// <summary>Lists instances matching <paramref name="query"/>, newest first, one page at a time.</summary>
    /// <param name="query">Filters and paging.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>One page and the token for the next.</returns>
    /// <exception cref="ArgumentException">The page size is out of range or the continuation token is not one Baton issued.</exception>
    Task<WorkflowPage> ListAsync(WorkflowQuery query, CancellationToken cancellationToken = default);

    /// <summary>Counts the instances matching <paramref name="query"/>'s filters, by runtime status (paging is ignored).</summary>
    /// <param name="query">Filters.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The count of each status that has at least one instance.</returns>
    Task<IReadOnlyDictionary<WorkflowRuntimeStatus, long>> CountByStatusAsync(WorkflowQuery query, CancellationToken cancellationToken = default);

    /// <summary>Raises an outside event to a running instance; a wait of the same name takes it, now or later.</summary>
    /// <param name="instanceId">The instance.</param>
    /// <param name="eventName">The event name (case-insensitive).</param>
    /// <param name="data">The event data, serialised to JSON.</param>
    /// <param name="cancellationToken">Cancels the wait for the event to be durable.</param>
    /// <returns>A task that completes once the event is durable.</returns>
    /// <exception cref="InstanceNotFoundException">No instance has that id.</exception>
    /// <exception cref="InvalidInstanceStateException">The instance has finished.</exception>
    /// <exception cref="PayloadTooLargeException">The data is larger than the payload limit.</exception>
    Task RaiseEventAsync(string instanceId, string eventName, object? data = null, CancellationToken cancellationToken = default);

    /// <summary>Completes a callback with its result.</summary>
    /// <param name="token">The token from <see cref="WorkflowCallback{T}.Token"/>.</param>
    /// <param name="result">The result, serialised to JSON.</param>
    /// <param name="cancellationToken">Cancels the wait for the completion to be durable.</param>
    /// <returns>A task that completes once the completion is durable.</returns>
    /// <exception cref="InvalidCallbackTokenException">The token is malformed or forged.</exception>
    /// <exception cref="CallbackNotPendingException">The callback was already used, timed out, or its instance finished.</exception>
    Task CompleteCallbackAsync(string token, object? result = null, CancellationToken cancellationToken = default);

    /// <summary>Reports a callback's work as failed; the workflow sees <see cref="CallbackFailedException"/>.</summary>
    /// <param name="token">The callback's token.</param>
    /// <param name="errorMessage">What went wrong.</param>
    /// <param name="cancellationToken">Cancels the wait for the failure to be durable.</param>
    /// <returns>A task that completes once the failure is durable.</returns>
    /// <exception cref="InvalidCallbackTokenException">The token is malformed or forged.</exception>
    /// <exception cref="CallbackNotPendingException">The callback was already used, timed out, or its instance finished.</exception>
    Task FailCallbackAsync(string token, string errorMessage, CancellationToken cancellationToken = default);

    /// <summary>Reports that a callback's work is still in progress, resetting its heartbeat timeout.</summary>
    /// <param name="token">The callback's token.</param>
    /// <param name="cancellationToken">Cancels the wait for the heartbeat to be durable.</param>
    /// <returns>A task that completes once the heartbeat is durable.</returns>
    /// <exception cref="InvalidCallbackTokenException">The token is malformed or forged.</exception>
    /// <exception cref="CallbackNotPendingException">The callback was already used, timed out, or its instance finished.</exception>
    Task HeartbeatCallbackAsync(string token, CancellationToken cancellationToken = default);

    /// <summary>Terminates an instance that has not finished, and every child workflow it is waiting on.</summary>
    /// <param name="instanceId">The instance.</param>
    /// <param name="reason">Why, recorded in history and status.</param>
    /// <param name="cancellationToken">Cancels the wait for the request to be durable.</param>
    /// <returns>A task that completes once the request is durable; the instance stops at its next turn.</returns>
    /// <exception cref="InstanceNotFoundException">No instance has that id.</exception>
    /// <exception cref="InvalidInstanceStateException">The instance has already finished.</exception>
    Task TerminateAsync(string instanceId, string? reason = null, CancellationToken cancellationToken = default);

    /// <summary>Suspends a running instance: it makes no progress; events are kept and timers due meanwhile fire on resume.</summary>
    /// <param name="instanceId">The instance.</param>
    /// <param name="reason">Why, recorded in history.</param>
    /// <param name="cancellationToken">Cancels the wait for the request to be durable.</param>
    /// <returns>A task that completes once the request is durable.</returns>
    /// <exception cref="InstanceNotFoundException">No instance has that id.</exception>
    /// <exception cref="InvalidInstanceStateException">The instance is not running (finished or already suspended).</exception>
    Task SuspendAsync(string instanceId, string? reason = null, CancellationToken cancellationToken = default);

    /// <summary>Resumes a suspended instance.</summary>
    /// <param name="instanceId">The instance.</param>
    /// <param name="reason">Why, recorded in history.</param>
    /// <param name="cancellationToken">Cancels the wait for the request to be durable.</param>
    /// <returns>A task that completes once the request is durable.</returns>
    /// <exception cref="InstanceNotFoundException">No instance has that id.</exception>
    /// <exception cref="InvalidInstanceStateException">The instance is not suspended.</exception>
    Task ResumeAsync(string instanceId, string? reason = null, CancellationToken cancellationToken = default);

    /// <summary>Starts a finished instance again from the beginning with its original input, under the same id or a new one.</summary>
    /// <param name="instanceId">The instance.</param>
    /// <param name="newInstanceId">True to start a new instance with a generated id (the original stays as it is); false to reuse the id, replacing its history.</param>
    /// <param name="cancellationToken">Cancels the wait for the restart to be durable.</param>
    /// <returns>The id of the restarted instance.</returns>
    /// <exception cref="InstanceNotFoundException">No instance has that id.</exception>
    /// <exception cref="InvalidInstanceStateException">The id is reused and the instance has not finished.</exception>
    Task<string> RestartAsync(string instanceId, bool newInstanceId = false, CancellationToken cancellationToken = default);

    /// <summary>
    /// Rewinds a failed instance: its history is cut just before its first failure, and it runs again from
    /// there, keeping every result recorded before it (activities that succeeded are not run again).
    /// </summary>
    /// <param name="instanceId">The instance.</param>
    /// <param name="reason">Why, recorded in history.</param>
    /// <param name="cancellationToken">Cancels the wait for the request to be durable.</param>
    /// <returns>A task that completes once the request is durable.</returns>
    /// <exception cref="InstanceNotFoundException">No instance has that id.</exception>
    /// <exception cref="InvalidInstanceStateException">The instance has not failed.</exception>
    Task RewindAsync(string instanceId, string? reason = null, CancellationToken cancellationToken = default);

    /// <summary>Deletes a finished instance: its status, history and everything else stored for it.</summary>
    /// <param name="instanceId">The instance.</param>
    /// <param name="cancellationToken">Cancels the purge.</param>
    /// <returns>A task that completes once the instance is gone.</returns>
    /// <exception cref="InstanceNotFoundException">No instance has that id.</exception>
    /// <exception cref="InvalidInstanceStateException">The instance has not finished.</exception>
    Task PurgeAsync(string instanceId, CancellationToken cancellationToken = default);

    /// <summary>Deletes every finished instance that matches <paramref name="query"/>; running ones are never touched.</summary>
    /// <param name="query">Which instances.</param>
    /// <param name="cancellationToken">Cancels the purge between batches.</param>
    /// <returns>How many instances were deleted.</returns>
    /// <exception cref="ArgumentException">The query names a status that is not a finished one.</exception>
    Task<int> PurgeAsync(PurgeQuery query, CancellationToken cancellationToken = default);
}
