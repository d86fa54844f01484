using Baton.Grains.Replay;
using Baton.History;
using Baton.Serialization;
using Baton.Silo.Storage;

namespace Baton.Silo.Runtime;

/// <summary>The <see cref="IWorkflowClient"/> of a process that hosts a silo: starts go to the partition in memory, reads go to the store.</summary>
internal sealed class InProcessWorkflowClient(SiloRuntime silo) : IWorkflowClient
{
    private static readonly TimeSpan WaitPollInterval = TimeSpan.FromSeconds(1);

    public async Task<string> StartAsync(string workflowName, object? input = null, StartWorkflowOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(workflowName);
        var workflow = silo.Registry.GetWorkflow(workflowName);
        var instanceId = options?.InstanceId ?? InstanceIds.New();
        InstanceIds.Validate(instanceId);
        var inputJson = BatonJson.Serialize(input);
        workflow.ValidateInput(inputJson);
        PayloadLimit.Check(inputJson, silo.Options.MaxPayloadBytes, $"the input of workflow '{workflowName}'");

        await silo.Ready.WaitAsync(cancellationToken).ConfigureAwait(false);
        return await silo.StartInstanceAsync(instanceId, workflow, inputJson, options?.IfExists ?? InstanceIdReusePolicy.ReturnExisting, cancellationToken)
            .ConfigureAwait(false);
    }

    public async Task<WorkflowStatus?> GetStatusAsync(string instanceId, bool includeHistory = false, CancellationToken cancellationToken = default)
    {
        InstanceIds.Validate(instanceId);
        await silo.Ready.WaitAsync(cancellationToken).ConfigureAwait(false);
        var row = await silo.Store.GetInstanceAsync(instanceId, cancellationToken).ConfigureAwait(false);
        if (row is null)
        {
            return null;
        }

        var history = includeHistory ? await silo.Store.GetHistoryAsync(instanceId, cancellationToken).ConfigureAwait(false) : null;
        return row.ToStatus(history);
    }

    public async Task<WorkflowStatus> WaitForCompletionAsync(string instanceId, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        InstanceIds.Validate(instanceId);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        if (timeout is { } limit)
        {
            deadline.CancelAfter(limit);
        }

        try
        {
            while (true)
            {
                // Register before reading, so that a finish between the read and the wait still wakes us.
                var signal = silo.Notifier.NextSignal(instanceId);
                var status = await GetStatusAsync(instanceId, false, deadline.Token).ConfigureAwait(false)
                    ?? throw new InstanceNotFoundException(instanceId);
                if (status.RuntimeStatus.IsTerminal())
                {
                    return status;
                }

                // The poll covers instances finished by another silo, whose signal does not reach this process.
                await Task.WhenAny(signal, Task.Delay(WaitPollInterval, silo.Time, deadline.Token)).ConfigureAwait(false);
                deadline.Token.ThrowIfCancellationRequested();
            }
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"Instance '{instanceId}' did not finish within {timeout}.");
        }
    }

    public async Task<WorkflowPage> ListAsync(WorkflowQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (query.PageSize is < 1 or > 1000)
        {
            throw new ArgumentException($"The page size must be between 1 and 1,000, not {query.PageSize}.", nameof(query));
        }

        await silo.Ready.WaitAsync(cancellationToken).ConfigureAwait(false);
        return await silo.Store.ListAsync(query, cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyDictionary<WorkflowRuntimeStatus, long>> CountByStatusAsync(WorkflowQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        await silo.Ready.WaitAsync(cancellationToken).ConfigureAwait(false);
        return await silo.Store.CountByStatusAsync(query, cancellationToken).ConfigureAwait(false);
    }

    public async Task RaiseEventAsync(string instanceId, string eventName, object? data = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(eventName);
        var json = BatonJson.Serialize(data);
        PayloadLimit.Check(json, silo.Options.MaxPayloadBytes, $"the data of event '{eventName}'");
        await SendAsync(instanceId, new EventRaised(eventName, json), s => !s.IsTerminal(), "raise an event", "events go only to instances that have not finished", cancellationToken)
            .ConfigureAwait(false);
    }

    public Task CompleteCallbackAsync(string token, object? result = null, CancellationToken cancellationToken = default)
    {
        var json = BatonJson.Serialize(result);
        PayloadLimit.Check(json, silo.Options.MaxPayloadBytes, "the result of a callback");
        return SendToCallbackAsync(token, step => new CallbackCompleted(step, json), usesUp: true, cancellationToken);
    }

    public Task FailCallbackAsync(string token, string errorMessage, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(errorMessage);
        return SendToCallbackAsync(token, step => new CallbackFailed(step, new FailureDetails("Baton.CallbackFailure", errorMessage)), usesUp: true, cancellationToken);
    }

    public Task HeartbeatCallbackAsync(string token, CancellationToken cancellationToken = default) =>
        SendToCallbackAsync(token, step => new CallbackHeartbeat(step), usesUp: false, cancellationToken);

    public Task TerminateAsync(string instanceId, string? reason = null, CancellationToken cancellationToken = default) =>
        SendAsync(instanceId, new WorkflowTerminated(reason), s => !s.IsTerminal(), "terminate", "only an instance that has not finished can be terminated", cancellationToken);

    public Task SuspendAsync(string instanceId, string? reason = null, CancellationToken cancellationToken = default) =>
        SendAsync(instanceId, new WorkflowSuspended(reason), s => s is WorkflowRuntimeStatus.Running or WorkflowRuntimeStatus.Pending, "suspend",
            "only a pending or running instance can be suspended", cancellationToken);

    public Task ResumeAsync(string instanceId, string? reason = null, CancellationToken cancellationToken = default) =>
        SendAsync(instanceId, new WorkflowResumed(reason), s => s == WorkflowRuntimeStatus.Suspended, "resume", "only a suspended instance can be resumed", cancellationToken);

    public Task RewindAsync(string instanceId, string? reason = null, CancellationToken cancellationToken = default) =>
        SendAsync(instanceId, new WorkflowRewound(reason, []), s => s == WorkflowRuntimeStatus.Failed, "rewind", "only a failed instance can be rewound", cancellationToken);

    public async Task<string> RestartAsync(string instanceId, bool newInstanceId = false, CancellationToken cancellationToken = default)
    {
        var status = await GetStatusAsync(instanceId, false, cancellationToken).ConfigureAwait(false) ?? throw new InstanceNotFoundException(instanceId);
        var workflow = silo.Registry.GetWorkflow(status.Name);
        if (newInstanceId)
        {
            return await StartAsync(status.Name, BatonJson.Deserialize<object>(status.Input), null, cancellationToken).ConfigureAwait(false);
        }

        if (!status.RuntimeStatus.IsTerminal())
        {
            throw new InvalidInstanceStateException(instanceId, status.RuntimeStatus, "restart under the same id", "only a finished instance can be restarted under its own id");
        }

        var now = silo.Time.GetUtcNow().UtcDateTime;
        var row = new InstanceRow(instanceId, workflow.Name, WorkflowRuntimeStatus.Pending, now, now, null, status.Input, null, null) { Version = workflow.Version };
        var outcome = await silo.Store.RecreateAsync(row, silo.PartitionOf(instanceId), new WorkflowStarted(workflow.Name, status.Input, workflow.Version) { Timestamp = now }, cancellationToken)
            .ConfigureAwait(false);
        ThrowUnlessDone(instanceId, outcome, "restart under the same id", "only a finished instance can be restarted under its own id");
        return instanceId;
    }

    public async Task PurgeAsync(string instanceId, CancellationToken cancellationToken = default)
    {
        InstanceIds.Validate(instanceId);
        await silo.Ready.WaitAsync(cancellationToken).ConfigureAwait(false);
        var outcome = await silo.Store.PurgeAsync(instanceId, cancellationToken).ConfigureAwait(false);
        ThrowUnlessDone(instanceId, outcome, "purge", "only a finished instance can be purged");
    }

    public async Task<int> PurgeAsync(PurgeQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        var statuses = query.Statuses is { Count: > 0 } chosen ? chosen : [WorkflowRuntimeStatus.Completed, WorkflowRuntimeStatus.Failed, WorkflowRuntimeStatus.Terminated];
        if (statuses.Where(s => !s.IsTerminal()).ToList() is { Count: > 0 } notFinished)
        {
            throw new ArgumentException($"Only finished instances can be purged; the query names {string.Join(", ", notFinished)}.", nameof(query));
        }

        await silo.Ready.WaitAsync(cancellationToken).ConfigureAwait(false);
        var filter = new PurgeFilter(query, statuses);
        var total = 0;
        int deleted;
        do
        {
            deleted = await silo.Store.PurgeAsync(filter, 500, cancellationToken).ConfigureAwait(false);
            total += deleted;
        }
        while (deleted == 500);

        return total;
    }

    private async Task SendAsync(string instanceId, HistoryEvent message, Func<WorkflowRuntimeStatus, bool> allowed, string operation, string rule, CancellationToken cancellationToken)
    {
        InstanceIds.Validate(instanceId);
        await silo.Ready.WaitAsync(cancellationToken).ConfigureAwait(false);
        var outcome = await silo.Store.SendAsync(instanceId, message, allowed, silo.Time.GetUtcNow().UtcDateTime, cancellationToken).ConfigureAwait(false);
        ThrowUnlessDone(instanceId, outcome, operation, rule);
    }

    private async Task SendToCallbackAsync(string token, Func<int, HistoryEvent> message, bool usesUp, CancellationToken cancellationToken)
    {
        await silo.Ready.WaitAsync(cancellationToken).ConfigureAwait(false);
        var (instanceId, stepId, tokenId) = silo.CallbackTokens.Verify(token);
        var outcome = await silo.Store.SendToCallbackAsync(tokenId, instanceId, message(stepId), usesUp, silo.Time.GetUtcNow().UtcDateTime, cancellationToken)
            .ConfigureAwait(false);
        if (outcome == CallbackOutcome.NotPending)
        {
            throw new CallbackNotPendingException(instanceId);
        }
    }

    private static void ThrowUnlessDone(string instanceId, SendOutcome outcome, string operation, string rule)
    {
        if (!outcome.Found)
        {
            throw new InstanceNotFoundException(instanceId);
        }

        if (!outcome.Sent)
        {
            throw new InvalidInstanceStateException(instanceId, outcome.Status, operation, rule);
        }
    }
}
