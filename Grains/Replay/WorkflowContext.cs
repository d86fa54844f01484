using Baton.Serialization;
using Microsoft.Extensions.Logging;

namespace Baton.Grains.Replay;

/// <summary>
/// The <see cref="IWorkflowContext"/> handed to workflow code. Primitive calls go to the executor; retries,
/// polling and batches are workflow code written on top of them, so they are durable and replayed like any other.
/// </summary>
internal sealed class WorkflowContext(WorkflowExecutor executor, ILogger logger) : IWorkflowContext
{
    private static readonly RetryPolicy SingleAttempt = new() { MaxAttempts = 1 };

    public string InstanceId => executor.InstanceId;

    public string Namespace => executor.Namespace;

    public string WorkflowName => executor.WorkflowName;

    public DateTime CurrentUtcDateTime => executor.CurrentUtcDateTime;

    public bool IsReplaying => executor.IsReplaying;

    public ILogger Logger => logger;

    public Task<TResult> CallActivityAsync<TResult>(string activityName, object? input = null, ActivityOptions? options = null, CancellationToken cancellationToken = default)
    {
        if (options?.Retry is null && options?.ScheduleToCloseTimeout is null)
        {
            return executor.ScheduleActivity<TResult>(activityName, input, options, cancellationToken).Task;
        }

        (options.Retry ?? SingleAttempt).Validate();
        return CallWithRetryAsync<TResult>(activityName, input, options, cancellationToken);
    }

    public Task<TResult> StepAsync<TResult>(string name, Func<Task<TResult>> step, RetryPolicy? retry = null)
    {
        if (retry is null)
        {
            return executor.RunStep(name, step);
        }

        retry.Validate();
        return StepWithRetryAsync(name, step, retry);
    }

    public Task CreateTimer(DateTime fireAtUtc, CancellationToken cancellationToken = default) => executor.CreateTimer(fireAtUtc, cancellationToken);

    public Task DelayAsync(TimeSpan delay, CancellationToken cancellationToken = default) => executor.CreateTimer(CurrentUtcDateTime + delay, cancellationToken);

    public Task<T> WaitForEventAsync<T>(string name, TimeSpan? timeout = null, CancellationToken cancellationToken = default) =>
        executor.WaitForEvent<T>(name, timeout, cancellationToken);

    public WorkflowCallback<T> CreateCallback<T>(string name, CallbackOptions? options = null) => executor.CreateCallback<T>(name, options);

    public async Task WaitForConditionAsync(string name, Func<Task<bool>> check, PollingStrategy? strategy = null)
    {
        ArgumentNullException.ThrowIfNull(check);
        strategy ??= new PollingStrategy();
        strategy.Validate();
        for (var attempt = 1; ; attempt++)
        {
            if (await executor.RunStep(name, check))
            {
                return;
            }

            if (attempt >= strategy.MaxAttempts)
            {
                throw new ConditionNotMetException(name, attempt);
            }

            var wait = Backoff.Delay(attempt, strategy.FirstInterval, strategy.BackoffCoefficient, strategy.MaxInterval, strategy.Jitter, $"{InstanceId}/{name}/{attempt}");
            await executor.CreateTimer(CurrentUtcDateTime + wait, default);
        }
    }

    public Task<TResult> CallWorkflowAsync<TResult>(string workflowName, object? input = null, ChildWorkflowOptions? options = null) =>
        executor.CallChild<TResult>(workflowName, input, options);

    public void ContinueAsNew(object? input, bool preserveUnprocessedEvents = true) => executor.RequestContinueAsNew(input, preserveUnprocessedEvents);

    public void SetCustomStatus(object? status) => executor.SetCustomStatus(status);

    public void SetQueryHandler<TResult>(string name, Func<TResult> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        executor.SetQueryHandler(name, () => handler());
    }

    public void SetUpdateHandler<TInput, TResult>(string name, Func<TInput, Task<TResult>> handler, Action<TInput>? validator = null)
    {
        ArgumentNullException.ThrowIfNull(handler);
        executor.SetUpdateHandler(name, new UpdateHandler(
            typeof(TInput),
            async input => (object?)await handler(input is null ? default! : (TInput)input),
            validator is null ? null : input => validator(input is null ? default! : (TInput)input)));
    }

    public void SendEvent(string instanceId, string eventName, object? data = null) =>
        executor.SendEvent(instanceId, eventName, BatonJson.Serialize(data), startsWorkflow: null);

    public void SignalEntity(EntityId entity, string operation, object? input = null) => Signal(entity, operation, input, replyEvent: null);

    public async Task<TResult> CallEntityAsync<TResult>(EntityId entity, string operation, object? input = null)
    {
        // The answer comes back as an event of a name no other call of this instance uses.
        var reply = $"@reply:{NewGuid():N}";
        Signal(entity, operation, input, reply);
        var answer = await WaitForEventAsync<EntityReply>(reply);
        return answer.Failure is { } failure
            ? throw new EntityOperationFailedException(entity, operation, failure)
            : BatonJson.Deserialize<TResult>(answer.Result)!;
    }

    public async Task<IDisposable> LockEntitiesAsync(params EntityId[] entities)
    {
        ArgumentNullException.ThrowIfNull(entities);
        var ordered = entities.DistinctBy(e => e.InstanceId).OrderBy(e => e.InstanceId, StringComparer.Ordinal).ToArray();
        foreach (var entity in ordered)
        {
            await CallEntityAsync<bool>(entity, EntityEvents.Lock);
        }

        return new EntityLock(this, ordered);
    }

    private void Signal(EntityId entity, string operation, object? input, string? replyEvent)
    {
        entity.Validate();
        EventNames.Validate(operation, "entity operation");
        var op = new EntityOperation(operation, BatonJson.Serialize(input), InstanceId, replyEvent);
        executor.SendEvent(entity.InstanceId, EntityEvents.Operation, BatonJson.Serialize(op), entity.WorkflowName);
    }

    /// <summary>A critical section's lock: disposing it sends each entity the unlock (recorded, like any signal).</summary>
    private sealed class EntityLock(WorkflowContext context, EntityId[] entities) : IDisposable
    {
        private bool _released;

        public void Dispose()
        {
            if (_released)
            {
                return;
            }

            _released = true;
            foreach (var entity in entities)
            {
                context.Signal(entity, EntityEvents.Unlock, null, null);
            }
        }
    }

    public Task<BatchResult<TResult>> MapAsync<TItem, TResult>(IReadOnlyList<TItem> items, string activityName, BatchOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentException.ThrowIfNullOrEmpty(activityName);
        options ??= new BatchOptions();
        return BatchRunner.RunAsync(items.Count, (i, token) => CallActivityAsync<TResult>(activityName, items[i], options.Activity, token), options);
    }

    public Task<BatchResult<TResult>> ParallelAsync<TResult>(IReadOnlyList<Func<CancellationToken, Task<TResult>>> branches, BatchOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(branches);
        return BatchRunner.RunAsync(branches.Count, (i, token) => branches[i](token), options ?? new BatchOptions());
    }

    public Guid NewGuid() => executor.NewGuid();

    private async Task<T> CallWithRetryAsync<T>(string name, object? input, ActivityOptions options, CancellationToken cancellationToken)
    {
        var policy = options.Retry ?? SingleAttempt;
        var firstAttemptAt = CurrentUtcDateTime;
        DateTime? deadline = options.ScheduleToCloseTimeout is { } limit ? firstAttemptAt + limit : null;
        using var deadlineCancel = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var deadlineTimer = deadline is { } at ? executor.CreateTimer(at, deadlineCancel.Token) : null;
        try
        {
            for (var attempt = 1; ; attempt++)
            {
                using var attemptCancel = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                var (call, stepId) = executor.ScheduleActivity<T>(name, input, options, attemptCancel.Token);
                if (deadlineTimer is not null && await Task.WhenAny(call, deadlineTimer) == deadlineTimer && !call.IsCompleted)
                {
                    BatchRunner.CancelOnWorkflowThread(attemptCancel);
                    var timeout = new ActivityTimeoutException(name, ActivityTimeoutKind.ScheduleToClose, options.ScheduleToCloseTimeout!.Value);
                    throw new ActivityFailedException(name, stepId, FailureDetails.FromException(timeout));
                }

                try
                {
                    return await call;
                }
                catch (ActivityFailedException failed) when (attempt < policy.MaxAttempts && policy.IsRetryable(failed.Failure))
                {
                    var wait = Backoff.Delay(attempt, policy.FirstRetryInterval, policy.BackoffCoefficient, policy.MaxRetryInterval, policy.Jitter, $"{InstanceId}/{stepId}");
                    var next = CurrentUtcDateTime + wait;
                    if (policy.Timeout is { } overall && next - firstAttemptAt > overall || deadline is { } end && next >= end)
                    {
                        throw;
                    }

                    if (!executor.IsReplaying)
                    {
                        Telemetry.Instruments.ActivityRetries.Add(1, Telemetry.Instruments.Activity(name));
                    }

                    await executor.CreateTimer(next, cancellationToken);
                }
            }
        }
        finally
        {
            // The call is over: a deadline timer still set is no longer needed.
            if (deadlineTimer is { IsCompleted: false })
            {
                BatchRunner.CancelOnWorkflowThread(deadlineCancel);
            }
        }
    }

    private async Task<T> StepWithRetryAsync<T>(string name, Func<Task<T>> step, RetryPolicy policy)
    {
        var firstAttemptAt = CurrentUtcDateTime;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await executor.RunStep(name, step);
            }
            catch (StepFailedException failed) when (attempt < policy.MaxAttempts && policy.IsRetryable(failed.Failure))
            {
                var wait = Backoff.Delay(attempt, policy.FirstRetryInterval, policy.BackoffCoefficient, policy.MaxRetryInterval, policy.Jitter, $"{InstanceId}/{failed.StepId}");
                var next = CurrentUtcDateTime + wait;
                if (policy.Timeout is { } overall && next - firstAttemptAt > overall)
                {
                    throw;
                }

                await executor.CreateTimer(next, default);
            }
        }
    }
}
