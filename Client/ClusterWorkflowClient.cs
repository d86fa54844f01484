using Baton.Grains;
using Baton.Serialization;

namespace Baton.Client;

/// <summary>
/// An <see cref="IWorkflowClient"/> for a service that joins the cluster as an Orleans client rather than over HTTP: each
/// call goes to the <see cref="IWorkflowClientGrain"/> on a gateway silo, which runs it with the silo's own client, so
/// that the rules, the validation and the typed exceptions are those of a client inside a silo.
/// </summary>
public sealed class ClusterWorkflowClient : IWorkflowClient
{
    private readonly IWorkflowClientGrain _grain;
    private readonly ClusterWorkflowClientOptions _options;

    /// <summary>Creates a client on a connected Orleans cluster client.</summary>
    /// <param name="cluster">The Orleans client, configured with <see cref="ClusterClientBuilderExtensions.AddBatonClusterClient"/>.</param>
    /// <param name="options">The namespace and how long one wait may last; null for the defaults.</param>
    public ClusterWorkflowClient(IClusterClient cluster, ClusterWorkflowClientOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        _options = options ?? new ClusterWorkflowClientOptions();
        _options.Validate();
        _grain = cluster.GetGrain<IWorkflowClientGrain>(WorkflowNamespaces.Normalize(_options.Namespace));
    }

    /// <inheritdoc />
    public Task<string> StartAsync(string workflowName, object? input = null, StartWorkflowOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(workflowName);
        return _grain.StartAsync(workflowName, BatonJson.Serialize(input), options).WaitAsync(cancellationToken);
    }

    /// <inheritdoc />
    public Task<WorkflowStatus?> GetStatusAsync(string instanceId, bool includeHistory = false, CancellationToken cancellationToken = default) =>
        _grain.GetStatusAsync(instanceId, includeHistory).WaitAsync(cancellationToken);

    /// <inheritdoc />
    public Task<string?> QueryAsync(string instanceId, string queryName, CancellationToken cancellationToken = default) =>
        _grain.QueryAsync(instanceId, queryName).WaitAsync(cancellationToken);

    /// <inheritdoc />
    public async Task<string?> UpdateAsync(string instanceId, string updateName, object? input = null, UpdateOptions? options = null, CancellationToken cancellationToken = default)
    {
        var updateId = options?.UpdateId ?? Guid.NewGuid().ToString("N");
        var json = BatonJson.Serialize(input);
        while (true)
        {
            // A running outcome: the handler has not returned yet; the same id waits for the same update.
            var outcome = await _grain.UpdateAsync(instanceId, updateName, json, updateId, _options.LongPollInterval).WaitAsync(cancellationToken).ConfigureAwait(false);
            if (outcome.Completed)
            {
                return outcome.ResultOrThrow(instanceId);
            }
        }
    }

    /// <inheritdoc />
    public Task<HistoryPage> GetHistoryAsync(string instanceId, string? continuationToken = null, int pageSize = 1000, CancellationToken cancellationToken = default) =>
        _grain.GetHistoryAsync(instanceId, continuationToken, pageSize).WaitAsync(cancellationToken);

    /// <inheritdoc />
    public async Task<WorkflowStatus> WaitForCompletionAsync(string instanceId, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        var deadline = timeout is { } limit ? DateTime.UtcNow + limit : DateTime.MaxValue;
        while (true)
        {
            var remaining = deadline - DateTime.UtcNow;
            var wait = remaining < _options.LongPollInterval ? remaining : _options.LongPollInterval;
            var status = await _grain.WaitForCompletionAsync(instanceId, wait > TimeSpan.Zero ? wait : TimeSpan.Zero)
                .WaitAsync(cancellationToken).ConfigureAwait(false);
            if (status.RuntimeStatus.IsTerminal())
            {
                return status;
            }

            if (DateTime.UtcNow >= deadline)
            {
                throw new TimeoutException($"Instance '{instanceId}' did not finish within {timeout}.");
            }
        }
    }

    /// <inheritdoc />
    public Task<WorkflowPage> ListAsync(WorkflowQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        return _grain.ListAsync(query).WaitAsync(cancellationToken);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyDictionary<WorkflowRuntimeStatus, long>> CountByStatusAsync(WorkflowQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        return await _grain.CountByStatusAsync(query).WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public Task RaiseEventAsync(string instanceId, string eventName, object? data = null, CancellationToken cancellationToken = default) =>
        _grain.RaiseEventAsync(instanceId, eventName, BatonJson.Serialize(data)).WaitAsync(cancellationToken);

    /// <inheritdoc />
    public Task CompleteCallbackAsync(string token, object? result = null, CancellationToken cancellationToken = default) =>
        _grain.CompleteCallbackAsync(token, BatonJson.Serialize(result)).WaitAsync(cancellationToken);

    /// <inheritdoc />
    public Task FailCallbackAsync(string token, string errorMessage, CancellationToken cancellationToken = default) =>
        _grain.FailCallbackAsync(token, errorMessage).WaitAsync(cancellationToken);

    /// <inheritdoc />
    public Task HeartbeatCallbackAsync(string token, CancellationToken cancellationToken = default) =>
        _grain.HeartbeatCallbackAsync(token).WaitAsync(cancellationToken);

    /// <inheritdoc />
    public Task TerminateAsync(string instanceId, string? reason = null, CancellationToken cancellationToken = default) =>
        _grain.ControlAsync(instanceId, InstanceControl.Terminate, reason).WaitAsync(cancellationToken);

    /// <inheritdoc />
    public Task SuspendAsync(string instanceId, string? reason = null, CancellationToken cancellationToken = default) =>
        _grain.ControlAsync(instanceId, InstanceControl.Suspend, reason).WaitAsync(cancellationToken);

    /// <inheritdoc />
    public Task ResumeAsync(string instanceId, string? reason = null, CancellationToken cancellationToken = default) =>
        _grain.ControlAsync(instanceId, InstanceControl.Resume, reason).WaitAsync(cancellationToken);

    /// <inheritdoc />
    public Task RewindAsync(string instanceId, string? reason = null, CancellationToken cancellationToken = default) =>
        _grain.ControlAsync(instanceId, InstanceControl.Rewind, reason).WaitAsync(cancellationToken);

    /// <inheritdoc />
    public Task<string> RestartAsync(string instanceId, bool newInstanceId = false, CancellationToken cancellationToken = default) =>
        _grain.RestartAsync(instanceId, newInstanceId).WaitAsync(cancellationToken);

    /// <inheritdoc />
    public Task PurgeAsync(string instanceId, CancellationToken cancellationToken = default) =>
        _grain.PurgeAsync(instanceId).WaitAsync(cancellationToken);

    /// <inheritdoc />
    public Task<int> PurgeAsync(PurgeQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        return _grain.PurgeAsync(query).WaitAsync(cancellationToken);
    }
}
