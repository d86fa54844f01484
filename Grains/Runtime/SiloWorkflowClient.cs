using Baton.Grains.Replay;
using Baton.History;
using Baton.Serialization;
using Baton.Grains.Logging;
using Baton.Grains.Storage;
using Baton.Grains.Telemetry;

namespace Baton.Grains.Runtime;

/// <summary>
/// The <see cref="IWorkflowClient"/> of a process that hosts a silo, for one namespace: starts go to the instance's grain,
/// reads go to the store, and messages (events, callbacks, operator requests) are written to the instance's inbox and then
/// wake its grain. Callers name instances by their ids in the namespace; grains and the store know them by their keys.
/// </summary>
/// <param name="grains">The grain factory.</param>
/// <param name="services">The silo's instance services.</param>
/// <param name="namespaceName">The canonical name of a declared namespace.</param>
internal sealed class SiloWorkflowClient(IGrainFactory grains, InstanceServices services, string namespaceName) : IWorkflowClient
{
    /// <summary>The namespace listings are confined to; null while the default namespace is the only one, so that its queries pay for no filter.</summary>
    private readonly string? _listingScope = services.Namespaces.Names.Count == 1 ? null : namespaceName;

    private long MaxPayloadBytes => services.Options.MaxPayloadBytes;

    /// <summary>How long one wait at the instance's grain is held: well under Orleans' 30-second response timeout.</summary>
    private static readonly TimeSpan GrainWait = TimeSpan.FromSeconds(15);

    /// <summary>How long to pause before reading again when the wait at the grain failed (its silo went away).</summary>
    private static readonly TimeSpan RetryPause = TimeSpan.FromSeconds(1);

    private const int MaxCustomStatusFilter = 4096;

    /// <summary>How many calls in a row may fail (the cluster changing) before an update gives up with the last error.</summary>
    private const int MaxUpdateRetries = 10;

    public async Task<string> StartAsync(string workflowName, object? input = null, StartWorkflowOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(workflowName);
        var workflow = services.Namespaces.GetWorkflow(namespaceName, workflowName);
        var instanceId = options?.InstanceId ?? InstanceIds.New();
        using var span = Instruments.StartClientSpan("start", instanceId);
        span?.SetTag("baton.workflow", workflowName);
        InstanceIds.Validate(instanceId);
        var key = Key(instanceId);
        var inputJson = BatonJson.Serialize(input);
        workflow.ValidateInput(inputJson);
        PayloadLimit.Check(inputJson, MaxPayloadBytes, $"the input of workflow '{workflowName}'");

        var command = new StartCommand { Name = workflow.Name, Version = workflow.Version, Input = inputJson };
        var policy = options?.IfExists ?? InstanceIdReusePolicy.RecreateIfFinished;
        for (var attempt = 0; ; attempt++)
        {
            if (await grains.GetGrain<IWorkflowGrain>(key).StartAsync(command).WaitAsync(cancellationToken).ConfigureAwait(false)
                || policy == InstanceIdReusePolicy.ReturnExisting)
            {
                return instanceId;
            }

            if (policy == InstanceIdReusePolicy.Fail)
            {
                throw new InstanceAlreadyExistsException(instanceId);
            }

            // The id is taken: a finished instance gives way to this start, in one write that checks it is still finished.
            var now = services.Time.GetUtcNow().UtcDateTime;
            var row = new InstanceRow(key, workflow.Name, WorkflowRuntimeStatus.Pending, now, now, null, inputJson, null, null) { Version = workflow.Version };
            var outcome = await services.Store.RecreateAsync(row, new WorkflowStarted(workflow.Name, inputJson, workflow.Version) { Timestamp = now }, cancellationToken)
                .ConfigureAwait(false);
            if (outcome.Sent)
            {
                await grains.WakeInstanceAsync(key, services.Logger).ConfigureAwait(false);
                return instanceId;
            }

            if (outcome.Found || attempt > 0)
            {
                throw new InstanceAlreadyExistsException(instanceId); // Pending, Running or Suspended: it keeps the id.
            }

            // Purged between the start and the look: start afresh.
        }
    }

    public async Task<WorkflowStatus?> GetStatusAsync(string instanceId, bool includeHistory = false, CancellationToken cancellationToken = default)
    {
        InstanceIds.Validate(instanceId);
        var key = Key(instanceId);
        var row = await services.Store.GetInstanceAsync(key, cancellationToken).ConfigureAwait(false);
        if (row is null)
        {
            return null;
        }

        var history = includeHistory ? await services.Store.GetHistoryAsync(key, cancellationToken).ConfigureAwait(false) : null;
        return row.ToStatus(history);
    }

    public Task<string?> QueryAsync(string instanceId, string queryName, CancellationToken cancellationToken = default)
    {
        InstanceIds.Validate(instanceId);
        return InstanceQuery.AnswerAsync(services.Store, services.Registry, Key(instanceId), queryName, cancellationToken);
    }

    public async Task<string?> UpdateAsync(string instanceId, string updateName, object? input = null, UpdateOptions? options = null, CancellationToken cancellationToken = default)
    {
        InstanceIds.Validate(instanceId);
        EventNames.Validate(updateName, "update name");
        var request = new UpdateRequest { UpdateId = options?.UpdateId ?? Guid.NewGuid().ToString("N"), Name = updateName, Input = BatonJson.Serialize(input) };
        EventNames.Validate(request.UpdateId, "update id");
        PayloadLimit.Check(request.Input, MaxPayloadBytes, $"the input of update '{updateName}'");
        using var span = Instruments.StartClientSpan("update", instanceId);
        var instance = grains.GetGrain<IWorkflowGrain>(Key(instanceId));
        for (var failures = 0; ; )
        {
            UpdateOutcome outcome;
            try
            {
                outcome = await instance.UpdateAsync(request, GrainWait).WaitAsync(cancellationToken).ConfigureAwait(false);
                failures = 0;
            }
            catch (Exception ex) when (ex is not (BatonException or OperationCanceledException) && ++failures < MaxUpdateRetries)
            {
                // The grain's silo went away under the call: send again (the update id makes it the same update).
                await Task.Delay(RetryPause, services.Time, cancellationToken).ConfigureAwait(false);
                continue;
            }

            if (outcome.Completed)
            {
                return outcome.ResultOrThrow(instanceId);
            }
        }
    }

    public async Task<HistoryPage> GetHistoryAsync(string instanceId, string? continuationToken = null, int pageSize = 1000, CancellationToken cancellationToken = default)
    {
        InstanceIds.Validate(instanceId);
        if (pageSize is < 1 or > 10_000)
        {
            throw new ArgumentException($"The page size must be between 1 and 10,000, not {pageSize}.", nameof(pageSize));
        }

        var after = -1L;
        if (continuationToken is not null
            && !(long.TryParse(continuationToken, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out after)))
        {
            throw new ArgumentException("The continuation token is not one this client handed out.", nameof(continuationToken));
        }

        // One more than asked for tells whether another page follows.
        var key = Key(instanceId);
        var rows = await services.Store.GetHistoryAfterAsync(key, after, pageSize + 1, cancellationToken).ConfigureAwait(false);
        if (rows.Count == 0 && await services.Store.GetInstanceAsync(key, cancellationToken).ConfigureAwait(false) is null)
        {
            throw new InstanceNotFoundException(instanceId);
        }

        var page = rows.Take(pageSize).ToList();
        var next = rows.Count > pageSize ? page[^1].Position.ToString(System.Globalization.CultureInfo.InvariantCulture) : null;
        return new HistoryPage(page.ConvertAll(r => r.Event), next);
    }

    public async Task<WorkflowStatus> WaitForCompletionAsync(string instanceId, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        InstanceIds.Validate(instanceId);
        var key = Key(instanceId);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        if (timeout is { } limit)
        {
            deadline.CancelAfter(limit);
        }

        try
        {
            while (true)
            {
                // Register before looking, so that a finish between the look and the wait still wakes us. An instance active
                // here that its last commit left unfinished needs no read: its finish will signal.
                var signal = services.Notifier.NextSignal(key);
                if (!(services.Local.TryGet(key, out var local) && local.Unfinished))
                {
                    var status = await GetStatusAsync(instanceId, false, deadline.Token).ConfigureAwait(false)
                        ?? throw new InstanceNotFoundException(instanceId);
                    if (status.RuntimeStatus.IsTerminal())
                    {
                        return status;
                    }
                }

                // The finish signals waiters on the silo where the instance's grain is active: here, the signal is enough (a
                // deactivation signals too, to look again); elsewhere, the wait is held at the grain.
                if (services.Local.Contains(key))
                {
                    // WaitAsync drops its timer when the signal comes, where a Task.Delay beside it would stay queued for the
                    // whole GrainWait: tens of thousands of them under load.
                    try
                    {
                        // A finish hands over the status it committed: the store would say the same.
                        if (await signal.WaitAsync(GrainWait, services.Time, deadline.Token).ConfigureAwait(false) is { } finished && finished.RuntimeStatus.IsTerminal())
                        {
                            return finished;
                        }
                    }
                    catch (TimeoutException)
                    {
                    }
                }
                else
                {
                    await Task.WhenAny(signal, WaitAtGrainAsync(key, deadline.Token)).ConfigureAwait(false);
                }

                deadline.Token.ThrowIfCancellationRequested();
            }
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"Instance '{instanceId}' did not finish within {timeout}.");
        }
    }

    private async Task WaitAtGrainAsync(string instanceKey, CancellationToken cancellationToken)
    {
        try
        {
            await grains.GetGrain<IWorkflowGrain>(instanceKey).WaitUntilFinishedAsync(GrainWait).WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The grain's silo died under the call: read again shortly, and wait wherever the grain is then.
            await Task.Delay(RetryPause, services.Time, cancellationToken).ConfigureAwait(false);
        }
    }

    public async Task<WorkflowPage> ListAsync(WorkflowQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (query.PageSize is < 1 or > 1000)
        {
            throw new ArgumentException($"The page size must be between 1 and 1,000, not {query.PageSize}.", nameof(query));
        }

        CheckFilters(query.Name, query.InstanceIdPrefix, query.CustomStatus);
        return await services.Store.ListAsync(query with { Namespace = _listingScope }, cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyDictionary<WorkflowRuntimeStatus, long>> CountByStatusAsync(WorkflowQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        CheckFilters(query.Name, query.InstanceIdPrefix, query.CustomStatus);
        return await services.Store.CountByStatusAsync(query with { Namespace = _listingScope }, cancellationToken).ConfigureAwait(false);
    }

    public async Task RaiseEventAsync(string instanceId, string eventName, object? data = null, CancellationToken cancellationToken = default)
    {
        EventNames.Validate(eventName);
        var json = BatonJson.Serialize(data);
        PayloadLimit.Check(json, MaxPayloadBytes, $"the data of event '{eventName}'");
        await SendAsync(instanceId, new EventRaised(eventName, json), s => !s.IsTerminal(), "raise an event", "events go only to instances that have not finished", cancellationToken)
            .ConfigureAwait(false);
    }

    public Task CompleteCallbackAsync(string token, object? result = null, CancellationToken cancellationToken = default)
    {
        var json = BatonJson.Serialize(result);
        PayloadLimit.Check(json, MaxPayloadBytes, "the result of a callback");
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

    // As in Durable Functions, suspending a suspended instance and resuming a live one that is not suspended succeed and change nothing.
    public Task SuspendAsync(string instanceId, string? reason = null, CancellationToken cancellationToken = default) =>
        SendAsync(instanceId, new WorkflowSuspended(reason), s => s is WorkflowRuntimeStatus.Running or WorkflowRuntimeStatus.Pending, "suspend",
            "only a pending or running instance can be suspended", cancellationToken, alreadyThere: s => s == WorkflowRuntimeStatus.Suspended);

    public Task ResumeAsync(string instanceId, string? reason = null, CancellationToken cancellationToken = default) =>
        SendAsync(instanceId, new WorkflowResumed(reason), s => s == WorkflowRuntimeStatus.Suspended, "resume", "only a suspended instance can be resumed", cancellationToken,
            alreadyThere: s => s is WorkflowRuntimeStatus.Running or WorkflowRuntimeStatus.Pending);

    public Task RewindAsync(string instanceId, string? reason = null, CancellationToken cancellationToken = default) =>
        SendAsync(instanceId, new WorkflowRewound(reason, []), s => s == WorkflowRuntimeStatus.Failed, "rewind", "only a failed instance can be rewound", cancellationToken);

    public async Task<string> RestartAsync(string instanceId, bool newInstanceId = false, CancellationToken cancellationToken = default)
    {
        using var span = Instruments.StartClientSpan("restart", instanceId);
        var status = await GetStatusAsync(instanceId, false, cancellationToken).ConfigureAwait(false) ?? throw new InstanceNotFoundException(instanceId);
        var workflow = services.Namespaces.GetWorkflow(namespaceName, status.Name);
        if (newInstanceId)
        {
            return await StartAsync(status.Name, BatonJson.Deserialize<object>(status.Input), null, cancellationToken).ConfigureAwait(false);
        }

        if (!status.RuntimeStatus.IsTerminal())
        {
            throw new InvalidInstanceStateException(instanceId, status.RuntimeStatus, "restart under the same id", "only a finished instance can be restarted under its own id");
        }

        var now = services.Time.GetUtcNow().UtcDateTime;
        var row = new InstanceRow(Key(instanceId), workflow.Name, WorkflowRuntimeStatus.Pending, now, now, null, status.Input, null, null) { Version = workflow.Version };
        var outcome = await services.Store.RecreateAsync(row, new WorkflowStarted(workflow.Name, status.Input, workflow.Version) { Timestamp = now }, cancellationToken)
            .ConfigureAwait(false);
        ThrowUnlessDone(instanceId, outcome, "restart under the same id", "only a finished instance can be restarted under its own id");
        await grains.WakeInstanceAsync(row.InstanceId, services.Logger).ConfigureAwait(false);
        return instanceId;
    }

    public async Task PurgeAsync(string instanceId, CancellationToken cancellationToken = default)
    {
        InstanceIds.Validate(instanceId);
        using var span = Instruments.StartClientSpan("purge", instanceId);
        var outcome = await services.Store.PurgeAsync(Key(instanceId), cancellationToken).ConfigureAwait(false);
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

        var filter = new PurgeFilter(query with { Namespace = _listingScope }, statuses);
        var total = 0;
        int deleted;
        do
        {
            deleted = await services.Store.PurgeAsync(filter, 500, cancellationToken).ConfigureAwait(false);
            total += deleted;
        }
        while (deleted == 500);

        return total;
    }

    /// <param name="alreadyThere">Statuses in which the request is already met: nothing is written, and nothing is thrown.</param>
    private async Task SendAsync(string instanceId, HistoryEvent message, Func<WorkflowRuntimeStatus, bool> allowed, string operation, string rule, CancellationToken cancellationToken,
        Func<WorkflowRuntimeStatus, bool>? alreadyThere = null)
    {
        InstanceIds.Validate(instanceId);
        using var span = Instruments.StartClientSpan(operation, instanceId);
        var key = Key(instanceId);
        var outcome = await services.Store.SendAsync(key, message, allowed, services.Time.GetUtcNow().UtcDateTime, cancellationToken).ConfigureAwait(false);
        if (outcome is { Found: true, Sent: false } && alreadyThere?.Invoke(outcome.Status) == true)
        {
            return;
        }

        ThrowUnlessDone(instanceId, outcome, operation, rule);
        await grains.WakeInstanceAsync(key, services.Logger).ConfigureAwait(false);
    }

    /// <summary>A callback's token names its instance by key, signed: whoever holds the token settles it, from any namespace.</summary>
    private async Task SendToCallbackAsync(string token, Func<int, HistoryEvent> message, bool usesUp, CancellationToken cancellationToken)
    {
        var (key, stepId, tokenId) = services.ExecutorSettings.CallbackTokens!.Verify(token);
        using var span = Instruments.StartClientSpan(usesUp ? "settle callback" : "callback heartbeat", key);
        var outcome = await services.Store.SendToCallbackAsync(tokenId, key, message(stepId), usesUp, services.Time.GetUtcNow().UtcDateTime, cancellationToken)
            .ConfigureAwait(false);
        if (outcome == CallbackOutcome.NotPending)
        {
            throw new CallbackNotPendingException(WorkflowNamespaces.LocalId(key));
        }

        await grains.WakeInstanceAsync(key, services.Logger).ConfigureAwait(false);
    }

    /// <summary>The key of an instance of this namespace.</summary>
    private string Key(string instanceId) => WorkflowNamespaces.Qualify(namespaceName, instanceId);

    /// <summary>Filters are matched in the store's indexes; text of a size no name, id or status reaches is refused before a query runs.</summary>
    private static void CheckFilters(string? name, string? instanceIdPrefix, string? customStatus)
    {
        if (name?.Length > 256 || instanceIdPrefix?.Length > InstanceIds.MaxLength)
        {
            throw new ArgumentException($"The name and instance id prefix filters are at most 256 characters long.");
        }

        if (customStatus?.Length > MaxCustomStatusFilter)
        {
            throw new ArgumentException($"The custom status filter is {customStatus.Length} characters long; the limit is {MaxCustomStatusFilter}.");
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
