using System.Text.Json;
using Orleans.Concurrency;

namespace Baton.Grains;

/// <summary>
/// Serves <see cref="IWorkflowClientGrain"/> on the silo the call arrives at (a stateless worker is local to its caller's
/// gateway) by handing each call to that silo's own <see cref="IWorkflowClient"/> for the namespace that keys it: one
/// implementation of the client API's rules, whichever way a caller arrives. Reentrant, so that a long wait holds no other
/// call back.
/// </summary>
[StatelessWorker(1)]
[Reentrant]
internal sealed class WorkflowClientGrain(IWorkflowClientFactory clients) : Grain, IWorkflowClientGrain
{
    private IWorkflowClient? _client;

    // Resolved at the first call rather than on activation, so that an undeclared namespace fails that call with its typed error.
    private IWorkflowClient Client => _client ??= clients.ForNamespace(this.GetPrimaryKeyString());

    public Task<string> StartAsync(string workflowName, string? input, StartWorkflowOptions? options) =>
        Client.StartAsync(workflowName, Json(input), options);

    public Task<WorkflowStatus?> GetStatusAsync(string instanceId, bool includeHistory) => Client.GetStatusAsync(instanceId, includeHistory);

    public Task<string?> QueryAsync(string instanceId, string queryName) => Client.QueryAsync(instanceId, queryName);

    public async Task<WorkflowStatus> WaitForCompletionAsync(string instanceId, TimeSpan wait)
    {
        try
        {
            return await Client.WaitForCompletionAsync(instanceId, wait).ConfigureAwait(true);
        }
        catch (TimeoutException)
        {
            return await Client.GetStatusAsync(instanceId).ConfigureAwait(true) ?? throw new InstanceNotFoundException(instanceId);
        }
    }

    public async Task<UpdateOutcome> UpdateAsync(string instanceId, string updateName, string? input, string updateId, TimeSpan wait)
    {
        using var timeout = new CancellationTokenSource(wait);
        try
        {
            var result = await Client.UpdateAsync(instanceId, updateName, Json(input), new UpdateOptions { UpdateId = updateId }, timeout.Token).ConfigureAwait(true);
            return new UpdateOutcome(updateId, true, result);
        }
        catch (UpdateFailedException ex)
        {
            return new UpdateOutcome(updateId, true, null, ex.Failure);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            return new UpdateOutcome(updateId, false);
        }
    }

    public Task<HistoryPage> GetHistoryAsync(string instanceId, string? continuationToken, int pageSize) =>
        Client.GetHistoryAsync(instanceId, continuationToken, pageSize);

    public Task<WorkflowPage> ListAsync(WorkflowQuery query) => Client.ListAsync(query);

    public async Task<Dictionary<WorkflowRuntimeStatus, long>> CountByStatusAsync(WorkflowQuery query) =>
        new(await Client.CountByStatusAsync(query).ConfigureAwait(true));

    public Task RaiseEventAsync(string instanceId, string eventName, string? data) => Client.RaiseEventAsync(instanceId, eventName, Json(data));

    public Task CompleteCallbackAsync(string token, string? result) => Client.CompleteCallbackAsync(token, Json(result));

    public Task FailCallbackAsync(string token, string errorMessage) => Client.FailCallbackAsync(token, errorMessage);

    public Task HeartbeatCallbackAsync(string token) => Client.HeartbeatCallbackAsync(token);

    public Task ControlAsync(string instanceId, InstanceControl request, string? reason) => request switch
    {
        InstanceControl.Terminate => Client.TerminateAsync(instanceId, reason),
        InstanceControl.Suspend => Client.SuspendAsync(instanceId, reason),
        InstanceControl.Resume => Client.ResumeAsync(instanceId, reason),
        InstanceControl.Rewind => Client.RewindAsync(instanceId, reason),
        _ => throw new ArgumentOutOfRangeException(nameof(request), request, "Not an operator request."),
    };

    public Task<string> RestartAsync(string instanceId, bool newInstanceId) => Client.RestartAsync(instanceId, newInstanceId);

    public Task PurgeAsync(string instanceId) => Client.PurgeAsync(instanceId);

    public Task<int> PurgeAsync(PurgeQuery query) => Client.PurgeAsync(query);

    // The client sent JSON text; as a JsonElement it is stored as the same JSON, not as a quoted string.
    private static JsonElement? Json(string? text)
    {
        if (text is null)
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize<JsonElement>(text);
        }
        catch (JsonException ex)
        {
            throw new ArgumentException($"The payload is not JSON: {ex.Message}", ex);
        }
    }
}
