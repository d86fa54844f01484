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
}
