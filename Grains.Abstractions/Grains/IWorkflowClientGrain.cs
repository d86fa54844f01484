namespace Baton.Grains;

/// <summary>
/// What <see cref="IWorkflowClient"/> does, served by every silo to processes that reach the cluster through an Orleans
/// client. A stateless worker on the gateway silo does it with that silo's own client for the namespace that keys it (its
/// canonical name, see <see cref="WorkflowNamespaces"/>). Inputs, event data and callback results travel as JSON text, as
/// they are stored; the client's typed errors travel as themselves.
/// </summary>
[Alias("Baton.IWorkflowClientGrain")]
public interface IWorkflowClientGrain : IGrainWithStringKey
{
    /// <summary>See <see cref="IWorkflowClient.StartAsync"/>.</summary>
    /// <param name="workflowName">The registered workflow name.</param>
    /// <param name="input">The input as JSON text, or null.</param>
    /// <param name="options">The instance id and what to do if it is taken.</param>
    /// <returns>The instance id.</returns>
    [Alias("Start")]
    Task<string> StartAsync(string workflowName, string? input, StartWorkflowOptions? options);

    /// <summary>See <see cref="IWorkflowClient.GetStatusAsync"/>.</summary>
    /// <param name="instanceId">The instance.</param>
    /// <param name="includeHistory">Whether to include the history.</param>
    /// <returns>The status, or null for an unknown instance.</returns>
    [Alias("GetStatus")]
    Task<WorkflowStatus?> GetStatusAsync(string instanceId, bool includeHistory);

    /// <summary>See <see cref="IWorkflowClient.GetHistoryAsync"/>.</summary>
    /// <param name="instanceId">The instance.</param>
    /// <param name="continuationToken">Null for the first page, else the previous page's token.</param>
    /// <param name="pageSize">Events per page.</param>
    /// <returns>One page.</returns>
    [Alias("GetHistory")]
    Task<HistoryPage> GetHistoryAsync(string instanceId, string? continuationToken, int pageSize);

    /// <summary>
    /// Waits at most <paramref name="wait"/> for the instance to finish and returns its status then, finished or not: a
    /// client waits longer by calling again, so that no call outlives Orleans' response timeout.
    /// </summary>
    /// <param name="instanceId">The instance.</param>
    /// <param name="wait">How long this call may wait.</param>
    /// <returns>The status when the instance finished or the wait ended.</returns>
    [Alias("WaitForCompletion")]
    Task<WorkflowStatus> WaitForCompletionAsync(string instanceId, TimeSpan wait);

    /// <summary>See <see cref="IWorkflowClient.QueryAsync"/>.</summary>
    [Alias("Query")]
    Task<string?> QueryAsync(string instanceId, string queryName);

    /// <summary>
    /// See <see cref="IWorkflowClient.UpdateAsync"/>: sends the update and waits at most <paramref name="wait"/> for its
    /// result; a running outcome means call again with the same id. A failed handler is an outcome, not an exception.
    /// </summary>
    /// <param name="instanceId">The instance.</param>
    /// <param name="updateName">The update's name.</param>
    /// <param name="input">The input as JSON text, or null.</param>
    /// <param name="updateId">The update's id, the same on every call for one update.</param>
    /// <param name="wait">How long this call may wait.</param>
    /// <returns>Where the update stands.</returns>
    [Alias("Update")]
    Task<UpdateOutcome> UpdateAsync(string instanceId, string updateName, string? input, string updateId, TimeSpan wait);

    /// <summary>See <see cref="IWorkflowClient.ListAsync"/>.</summary>
    /// <param name="query">The filter and page.</param>
    /// <returns>One page.</returns>
    [Alias("List")]
    Task<WorkflowPage> ListAsync(WorkflowQuery query);

    /// <summary>See <see cref="IWorkflowClient.CountByStatusAsync"/>.</summary>
    /// <param name="query">The filter.</param>
    /// <returns>Counts by status.</returns>
    [Alias("CountByStatus")]
    Task<Dictionary<WorkflowRuntimeStatus, long>> CountByStatusAsync(WorkflowQuery query);

    /// <summary>See <see cref="IWorkflowClient.RaiseEventAsync"/>.</summary>
    /// <param name="instanceId">The instance.</param>
    /// <param name="eventName">The event name.</param>
    /// <param name="data">The data as JSON text, or null.</param>
    /// <returns>A task that completes once the event is stored.</returns>
    [Alias("RaiseEvent")]
    Task RaiseEventAsync(string instanceId, string eventName, string? data);

    /// <summary>See <see cref="IWorkflowClient.CompleteCallbackAsync"/>.</summary>
    /// <param name="token">The callback token.</param>
    /// <param name="result">The result as JSON text, or null.</param>
    /// <returns>A task that completes once the result is stored.</returns>
    [Alias("CompleteCallback")]
    Task CompleteCallbackAsync(string token, string? result);

    /// <summary>See <see cref="IWorkflowClient.FailCallbackAsync"/>.</summary>
    /// <param name="token">The callback token.</param>
    /// <param name="errorMessage">The failure message.</param>
    /// <returns>A task that completes once the failure is stored.</returns>
    [Alias("FailCallback")]
    Task FailCallbackAsync(string token, string errorMessage);

    /// <summary>See <see cref="IWorkflowClient.HeartbeatCallbackAsync"/>.</summary>
    /// <param name="token">The callback token.</param>
    /// <returns>A task that completes once the heartbeat is stored.</returns>
    [Alias("HeartbeatCallback")]
    Task HeartbeatCallbackAsync(string token);

    /// <summary>Sends an operator request: terminate, suspend, resume or rewind.</summary>
    /// <param name="instanceId">The instance.</param>
    /// <param name="request">Which request.</param>
    /// <param name="reason">The reason recorded with it.</param>
    /// <returns>A task that completes once the request is stored.</returns>
    [Alias("Control")]
    Task ControlAsync(string instanceId, InstanceControl request, string? reason);

    /// <summary>See <see cref="IWorkflowClient.RestartAsync"/>.</summary>
    /// <param name="instanceId">The instance.</param>
    /// <param name="newInstanceId">Whether to start a copy under a new id.</param>
    /// <returns>The id of the restarted instance.</returns>
    [Alias("Restart")]
    Task<string> RestartAsync(string instanceId, bool newInstanceId);

    /// <summary>See <see cref="IWorkflowClient.PurgeAsync(string, CancellationToken)"/>.</summary>
    /// <param name="instanceId">The finished instance.</param>
    /// <returns>A task that completes once it is deleted.</returns>
    [Alias("Purge")]
    Task PurgeAsync(string instanceId);

    /// <summary>See <see cref="IWorkflowClient.PurgeAsync(PurgeQuery, CancellationToken)"/>.</summary>
    /// <param name="query">The finished instances to delete.</param>
    /// <returns>How many were deleted.</returns>
    [Alias("PurgeMany")]
    Task<int> PurgeAsync(PurgeQuery query);
}

/// <summary>The operator requests <see cref="IWorkflowClientGrain.ControlAsync"/> sends.</summary>
[GenerateSerializer]
[Alias("Baton.InstanceControl")]
public enum InstanceControl
{
    /// <summary><see cref="IWorkflowClient.TerminateAsync"/>.</summary>
    Terminate,

    /// <summary><see cref="IWorkflowClient.SuspendAsync"/>.</summary>
    Suspend,

    /// <summary><see cref="IWorkflowClient.ResumeAsync"/>.</summary>
    Resume,

    /// <summary><see cref="IWorkflowClient.RewindAsync"/>.</summary>
    Rewind,
}
