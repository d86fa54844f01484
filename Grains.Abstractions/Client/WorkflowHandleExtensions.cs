namespace Baton;

/// <summary>Typed operations on an <see cref="IWorkflowHandle{TWorkflow}"/>; the input and output types come from the workflow class.</summary>
public static class WorkflowHandleExtensions
{
    /// <summary>A handle on instance <paramref name="instanceId"/> of <typeparamref name="TWorkflow"/>.</summary>
    /// <typeparam name="TWorkflow">The workflow class.</typeparam>
    /// <param name="client">The client.</param>
    /// <param name="instanceId">The instance id (it need not exist yet; start it with the handle).</param>
    /// <param name="workflowName">The registered name, when it is not the class name.</param>
    /// <returns>The handle.</returns>
    public static IWorkflowHandle<TWorkflow> GetWorkflow<TWorkflow>(this IWorkflowClient client, string instanceId, string? workflowName = null)
        where TWorkflow : class
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentException.ThrowIfNullOrEmpty(instanceId);
        return new WorkflowHandle<TWorkflow>(instanceId, workflowName ?? typeof(TWorkflow).Name, client);
    }

    /// <summary>
    /// A handle on instance <paramref name="instanceId"/> of the workflow registered as <paramref name="workflowName"/>, typed
    /// by its input and output alone: for a caller that references the contracts (the input and output types) but not the
    /// workflow class. Every typed operation works on it as on a handle from <see cref="GetWorkflow{TWorkflow}"/>.
    /// </summary>
    /// <typeparam name="TInput">The workflow's input type.</typeparam>
    /// <typeparam name="TOutput">The workflow's output type.</typeparam>
    /// <param name="client">The client.</param>
    /// <param name="instanceId">The instance id (it need not exist yet; start it with the handle).</param>
    /// <param name="workflowName">The workflow's registered name.</param>
    /// <returns>The handle.</returns>
    public static IWorkflowHandle<Workflow<TInput, TOutput>> GetWorkflow<TInput, TOutput>(this IWorkflowClient client, string instanceId, string workflowName)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentException.ThrowIfNullOrEmpty(instanceId);
        ArgumentException.ThrowIfNullOrEmpty(workflowName);
        return new WorkflowHandle<Workflow<TInput, TOutput>>(instanceId, workflowName, client);
    }

    /// <summary>Starts the instance with <paramref name="input"/>; idempotent when the instance exists.</summary>
    /// <typeparam name="TInput">The workflow's input type.</typeparam>
    /// <typeparam name="TOutput">The workflow's output type.</typeparam>
    /// <param name="handle">The handle.</param>
    /// <param name="input">The input.</param>
    /// <param name="cancellationToken">Cancels the wait for the start to be durable.</param>
    /// <returns>A task that completes once the start is durable.</returns>
    public static Task StartAsync<TInput, TOutput>(this IWorkflowHandle<Workflow<TInput, TOutput>> handle, TInput input, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(handle);
        return handle.Client.StartAsync(handle.WorkflowName, input, new StartWorkflowOptions { InstanceId = handle.InstanceId }, cancellationToken);
    }

    /// <summary>Waits for the instance to finish and returns its output.</summary>
    /// <typeparam name="TInput">The workflow's input type.</typeparam>
    /// <typeparam name="TOutput">The workflow's output type.</typeparam>
    /// <param name="handle">The handle.</param>
    /// <param name="timeout">How long to wait at most; null for no limit beyond <paramref name="cancellationToken"/>.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The output.</returns>
    /// <exception cref="WorkflowFailedException">The instance failed or was terminated.</exception>
    /// <exception cref="InstanceNotFoundException">No instance has the handle's id.</exception>
    /// <exception cref="TimeoutException">It did not finish within <paramref name="timeout"/>.</exception>
    public static async Task<TOutput> GetResultAsync<TInput, TOutput>(this IWorkflowHandle<Workflow<TInput, TOutput>> handle, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(handle);
        var status = await handle.Client.WaitForCompletionAsync(handle.InstanceId, timeout, cancellationToken).ConfigureAwait(false);
        return status.RuntimeStatus == WorkflowRuntimeStatus.Completed
            ? status.ReadOutput<TOutput>()!
            : throw new WorkflowFailedException(handle.InstanceId, status.RuntimeStatus, status.Failure, status.StatusReason);
    }

    /// <summary>Gets the instance's status.</summary>
    /// <typeparam name="TWorkflow">The workflow class.</typeparam>
    /// <param name="handle">The handle.</param>
    /// <param name="includeHistory">Whether to load the history too.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The status, or null when the instance does not exist.</returns>
    public static Task<WorkflowStatus?> GetStatusAsync<TWorkflow>(this IWorkflowHandle<TWorkflow> handle, bool includeHistory = false, CancellationToken cancellationToken = default)
        where TWorkflow : class
    {
        ArgumentNullException.ThrowIfNull(handle);
        return handle.Client.GetStatusAsync(handle.InstanceId, includeHistory, cancellationToken);
    }

    /// <summary>Raises an event to the instance.</summary>
    /// <typeparam name="TWorkflow">The workflow class.</typeparam>
    /// <typeparam name="TEvent">The event data's type.</typeparam>
    /// <param name="handle">The handle.</param>
    /// <param name="eventName">The event name.</param>
    /// <param name="data">The event data.</param>
    /// <param name="cancellationToken">Cancels the wait for the event to be durable.</param>
    /// <returns>A task that completes once the event is durable.</returns>
    public static Task RaiseEventAsync<TWorkflow, TEvent>(this IWorkflowHandle<TWorkflow> handle, string eventName, TEvent data, CancellationToken cancellationToken = default)
        where TWorkflow : class
    {
        ArgumentNullException.ThrowIfNull(handle);
        return handle.Client.RaiseEventAsync(handle.InstanceId, eventName, data, cancellationToken);
    }

    /// <summary>Terminates the instance.</summary>
    /// <typeparam name="TWorkflow">The workflow class.</typeparam>
    /// <param name="handle">The handle.</param>
    /// <param name="reason">Why.</param>
    /// <param name="cancellationToken">Cancels the wait for the request to be durable.</param>
    /// <returns>A task that completes once the request is durable.</returns>
    public static Task TerminateAsync<TWorkflow>(this IWorkflowHandle<TWorkflow> handle, string? reason = null, CancellationToken cancellationToken = default)
        where TWorkflow : class
    {
        ArgumentNullException.ThrowIfNull(handle);
        return handle.Client.TerminateAsync(handle.InstanceId, reason, cancellationToken);
    }

    private sealed record WorkflowHandle<TWorkflow>(string InstanceId, string WorkflowName, IWorkflowClient Client) : IWorkflowHandle<TWorkflow>
        where TWorkflow : class;
}
