using Baton.Serialization;

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
}
