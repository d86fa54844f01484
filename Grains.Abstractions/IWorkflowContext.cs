using Microsoft.Extensions.Logging;

namespace Baton;

/// <summary>
/// The deterministic context of a running workflow. Every call here is recorded in the instance's
/// history the first time and answered from history on replay.
/// </summary>
public interface IWorkflowContext
{
    /// <summary>The id of this workflow instance, within its namespace.</summary>
    string InstanceId { get; }

    /// <summary>
    /// The namespace this instance is in (<see cref="WorkflowNamespaces.Default"/> unless a client started it in another).
    /// The children it starts, the instances it sends events to and the entities it calls are in the same namespace.
    /// </summary>
    string Namespace => WorkflowNamespaces.Default;

    /// <summary>The registered name of this workflow.</summary>
    string WorkflowName { get; }

    /// <summary>
    /// The current time, as recorded in history: the time at which the event the workflow is reacting to
    /// was processed. Use this instead of <see cref="DateTime.UtcNow"/>.
    /// </summary>
    DateTime CurrentUtcDateTime { get; }

    /// <summary>True while the workflow is re-executing events already in its history.</summary>
    bool IsReplaying { get; }

    /// <summary>A logger that writes only when <see cref="IsReplaying"/> is false, so each message appears once.</summary>
    ILogger Logger { get; }

    /// <summary>Schedules an activity and returns its result once a worker has run it (retrying per <see cref="ActivityOptions.Retry"/>).</summary>
    /// <typeparam name="TResult">The activity's output type.</typeparam>
    /// <param name="activityName">The registered name of the activity.</param>
    /// <param name="input">The input, serialised to JSON; null for none.</param>
    /// <param name="options">Routing, retries and timeouts; null for the defaults.</param>
    /// <param name="cancellationToken">Cancels the call when the workflow no longer needs it: the task is cancelled, the work item withdrawn and a running attempt signalled.</param>
    /// <returns>The activity's result.</returns>
    /// <exception cref="ActivityFailedException">The activity threw (or timed out) and no retry is left; the exception carries its failure details.</exception>
    /// <exception cref="ActivityNotRegisteredException">No activity of that name is registered.</exception>
    Task<TResult> CallActivityAsync<TResult>(string activityName, object? input = null, ActivityOptions? options = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Runs <paramref name="step"/> inline, in the workflow's own turn, and records its result in history:
    /// on replay the recorded result is returned and the step is not run again. If the silo crashes before
    /// the turn commits, the step runs again.
    /// </summary>
    /// <typeparam name="TResult">The step's result type; it must round-trip through JSON.</typeparam>
    /// <param name="name">A name for the step, checked on replay.</param>
    /// <param name="step">The work; unlike workflow code it may read clocks, do I/O and use any scheduler.</param>
    /// <param name="retry">How to retry a failing step (each attempt is a step of its own); null for no retries.</param>
    /// <returns>The step's (recorded) result.</returns>
    /// <exception cref="StepFailedException">The step threw and no retry is left; the exception carries its failure details.</exception>
    Task<TResult> StepAsync<TResult>(string name, Func<Task<TResult>> step, RetryPolicy? retry = null);

    /// <summary>Creates a durable timer that fires at <paramref name="fireAtUtc"/>, even across restarts.</summary>
    /// <param name="fireAtUtc">When the timer fires, in UTC.</param>
    /// <param name="cancellationToken">Cancels the timer (its row is deleted); the task is then cancelled.</param>
    /// <returns>A task that completes when the timer fires.</returns>
    Task CreateTimer(DateTime fireAtUtc, CancellationToken cancellationToken = default);

    /// <summary>Waits durably for <paramref name="delay"/> from <see cref="CurrentUtcDateTime"/>.</summary>
    /// <param name="delay">How long to wait; a workflow waiting costs a row on disk, not memory.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>A task that completes when the delay has passed.</returns>
    Task DelayAsync(TimeSpan delay, CancellationToken cancellationToken = default);

    /// <summary>
    /// Waits for an outside event raised with <see cref="IWorkflowClient.RaiseEventAsync"/>. Events raised
    /// before the workflow waits are kept, and each event is taken by one wait, oldest first.
    /// </summary>
    /// <typeparam name="T">The event data type.</typeparam>
    /// <param name="name">The event name (case-insensitive).</param>
    /// <param name="timeout">How long to wait at most (a durable timer); null for no limit.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The event data.</returns>
    /// <exception cref="EventTimeoutException">The timeout passed first.</exception>
    Task<T> WaitForEventAsync<T>(string name, TimeSpan? timeout = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Creates a callback: a signed token that an outside system completes (with a result or a failure) or
    /// heartbeats through <see cref="IWorkflowClient.CompleteCallbackAsync"/> and its siblings.
    /// </summary>
    /// <typeparam name="T">The result type.</typeparam>
    /// <param name="name">A name for the callback, checked on replay.</param>
    /// <param name="options">Its timeout and heartbeat timeout; null for none.</param>
    /// <returns>The token to hand out and the task to await.</returns>
    WorkflowCallback<T> CreateCallback<T>(string name, CallbackOptions? options = null);

    /// <summary>
    /// Checks <paramref name="check"/> (an inline step, recorded) until it returns true, waiting on durable
    /// timers with backoff and jitter between checks.
    /// </summary>
    /// <param name="name">A name for the condition, checked on replay.</param>
    /// <param name="check">The check; it may do I/O.</param>
    /// <param name="strategy">How often and how many times to check; null for the defaults.</param>
    /// <returns>A task that completes once the check returned true.</returns>
    /// <exception cref="ConditionNotMetException">The attempts ran out.</exception>
    Task WaitForConditionAsync(string name, Func<Task<bool>> check, PollingStrategy? strategy = null);

    /// <summary>Starts a child workflow and returns its output once it completes.</summary>
    /// <typeparam name="TResult">The child's output type.</typeparam>
    /// <param name="workflowName">The registered name of the child's workflow (it runs that workflow's newest version).</param>
    /// <param name="input">The child's input; null for none.</param>
    /// <param name="options">The child's instance id; null for a derived one.</param>
    /// <returns>The child's output.</returns>
    /// <exception cref="ChildWorkflowFailedException">The child failed, was terminated, or its id was taken.</exception>
    /// <exception cref="WorkflowNotRegisteredException">No workflow has that name.</exception>
    Task<TResult> CallWorkflowAsync<TResult>(string workflowName, object? input = null, ChildWorkflowOptions? options = null);

    /// <summary>
    /// Ends this run of the workflow once it returns and starts it again with <paramref name="input"/> and a
    /// fresh history, so that an eternal workflow keeps a bounded history. Events not yet taken are carried over.
    /// </summary>
    /// <param name="input">The next run's input.</param>
    /// <param name="preserveUnprocessedEvents">Whether raised events no wait has taken carry over. Default: true.</param>
    void ContinueAsNew(object? input, bool preserveUnprocessedEvents = true);

    /// <summary>Sets a status that clients can read and query by (<see cref="WorkflowStatus.CustomStatus"/>); null clears it.</summary>
    /// <param name="status">Any value that serialises to JSON.</param>
    void SetCustomStatus(object? status);

    /// <summary>
    /// Declares a query: a read-only view of the workflow's state that clients ask for by name
    /// (<see cref="IWorkflowClient.QueryAsync"/>). It is answered from the state of the instance's last committed turn,
    /// rebuilt by replay, and never changes the history. Declaring it again under the same name replaces it.
    /// </summary>
    /// <typeparam name="TResult">The answer's type; it must serialise to JSON.</typeparam>
    /// <param name="name">The query's name (case-insensitive).</param>
    /// <param name="handler">Reads state; it runs outside the workflow's turns, so it must not call the context or change anything.</param>
    void SetQueryHandler<TResult>(string name, Func<TResult> handler);

    /// <summary>
    /// Declares an update: a request from a client (<see cref="IWorkflowClient.UpdateAsync"/>) that may change the
    /// workflow's state and is answered with a result. <paramref name="validator"/> runs first, against the state of the
    /// last committed turn: if it throws, the update is rejected and nothing is recorded. An accepted update is recorded
    /// in history and <paramref name="handler"/> runs as workflow code (it may call activities, wait on timers and set
    /// state); the client is answered once it returns. Declaring it again under the same name replaces it.
    /// </summary>
    /// <typeparam name="TInput">The update's input type; input that does not read as it is rejected.</typeparam>
    /// <typeparam name="TResult">The result's type; it must serialise to JSON.</typeparam>
    /// <param name="name">The update's name (case-insensitive).</param>
    /// <param name="handler">Workflow code that applies the update; deterministic, like the rest of the workflow.</param>
    /// <param name="validator">Reads state and throws to reject; it must not call the context or change anything. Null to accept all.</param>
    void SetUpdateHandler<TInput, TResult>(string name, Func<TInput, Task<TResult>> handler, Action<TInput>? validator = null);

    /// <summary>
    /// Sends an event to another instance (one-way), as <see cref="IWorkflowClient.RaiseEventAsync"/> would, in the same
    /// commit as this turn: it is sent exactly once. An instance that does not exist or has finished drops it.
    /// </summary>
    /// <param name="instanceId">The instance to send to.</param>
    /// <param name="eventName">The event's name.</param>
    /// <param name="data">The event's data, serialised to JSON; null for none.</param>
    void SendEvent(string instanceId, string eventName, object? data = null);

    /// <summary>
    /// Sends an operation to a durable entity (one-way), creating the entity if it does not exist; recorded, and sent once.
    /// The entity runs its operations one at a time, in the order they reach it.
    /// </summary>
    /// <param name="entity">The entity.</param>
    /// <param name="operation">The operation: a method of the entity.</param>
    /// <param name="input">The operation's input; null for none.</param>
    /// <exception cref="WorkflowNotRegisteredException">No entity of that name is registered (its workflow is <c>@{name}</c>).</exception>
    void SignalEntity(EntityId entity, string operation, object? input = null);

    /// <summary>Runs an operation on a durable entity and returns its result: a signal, and a wait for the entity's answer, both recorded.</summary>
    /// <typeparam name="TResult">The operation's result type.</typeparam>
    /// <param name="entity">The entity.</param>
    /// <param name="operation">The operation: a method of the entity.</param>
    /// <param name="input">The operation's input; null for none.</param>
    /// <returns>The operation's result.</returns>
    /// <exception cref="EntityOperationFailedException">The operation threw; the entity's state is unchanged.</exception>
    Task<TResult> CallEntityAsync<TResult>(EntityId entity, string operation, object? input = null);

    /// <summary>
    /// Locks entities for a critical section: once the task completes, each of them runs only this instance's operations
    /// until the returned handle is disposed (others wait in line). Entities are locked in a fixed order, so two
    /// workflows locking overlapping sets never deadlock.
    /// </summary>
    /// <param name="entities">The entities to lock.</param>
    /// <returns>The lock; dispose it to let the entities go.</returns>
    Task<IDisposable> LockEntitiesAsync(params EntityId[] entities);

    /// <summary>
    /// Calls <paramref name="activityName"/> once per item, at most <see cref="BatchOptions.MaxConcurrency"/> at a time,
    /// until the batch's <see cref="BatchOptions.Completion"/> rule is decided; items still running then are cancelled.
    /// </summary>
    /// <typeparam name="TItem">The item (input) type.</typeparam>
    /// <typeparam name="TResult">The activity's output type.</typeparam>
    /// <param name="items">The items.</param>
    /// <param name="activityName">The activity to call for each item.</param>
    /// <param name="options">Concurrency, completion rule and activity options; null for all at once, all successful.</param>
    /// <returns>Every item's outcome.</returns>
    /// <exception cref="BatchFailedException">The rule can no longer be met.</exception>
    Task<BatchResult<TResult>> MapAsync<TItem, TResult>(IReadOnlyList<TItem> items, string activityName, BatchOptions? options = null);

    /// <summary>Runs workflow branches (each may make any calls) under a completion rule; branches still running when it is decided are cancelled through their token.</summary>
    /// <typeparam name="TResult">The branches' result type.</typeparam>
    /// <param name="branches">The branches; each gets a token that is cancelled when the batch no longer needs it.</param>
    /// <param name="options">Concurrency and completion rule; null for all at once, all successful.</param>
    /// <returns>Every branch's outcome.</returns>
    /// <exception cref="BatchFailedException">The rule can no longer be met.</exception>
    Task<BatchResult<TResult>> ParallelAsync<TResult>(IReadOnlyList<Func<CancellationToken, Task<TResult>>> branches, BatchOptions? options = null);

    /// <summary>Returns a GUID that is the same on every replay of this point in the workflow.</summary>
    /// <returns>A name-based (version 5) GUID derived from the instance id, the current time and a counter.</returns>
    Guid NewGuid();
}
