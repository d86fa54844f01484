using System.Text.Json;
using Orleans.Concurrency;

namespace Baton.Grains;

/// <summary>
/// Serves <see cref="IWorkflowClientGrain"/> on the silo the call arrives at (a stateless worker is local to its caller's
/// gateway) by handing each call to that silo's own <see cref="IWorkflowClient"/>: one implementation of the client API's
/// rules, whichever way a caller arrives. Reentrant, so that a long wait holds no other call back.
/// </summary>
[StatelessWorker(1)]
[Reentrant]
internal sealed class WorkflowClientGrain(IWorkflowClient client) : Grain, IWorkflowClientGrain
{
    public Task<string> StartAsync(string workflowName, string? input, StartWorkflowOptions? options) =>
        client.StartAsync(workflowName, Json(input), options);

    public Task<WorkflowStatus?> GetStatusAsync(string instanceId, bool includeHistory) => client.GetStatusAsync(instanceId, includeHistory);

    public Task<string?> QueryAsync(string instanceId, string queryName) => client.QueryAsync(instanceId, queryName);

    public async Task<WorkflowStatus> WaitForCompletionAsync(string instanceId, TimeSpan wait)
    {
        try
        {
            return await client.WaitForCompletionAsync(instanceId, wait).ConfigureAwait(true);
        }
        catch (TimeoutException)
        {
            return await client.GetStatusAsync(instanceId).ConfigureAwait(true) ?? throw new InstanceNotFoundException(instanceId);
        }
    }

    public async Task<UpdateOutcome> UpdateAsync(string instanceId, string updateName, string? input, string updateId, TimeSpan wait)
    {
        using var timeout = new CancellationTokenSource(wait);
        try
        {
            var result = await client.UpdateAsync(instanceId, updateName, Json(input), new UpdateOptions { UpdateId = updateId }, timeout.Token).ConfigureAwait(true);
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
        client.GetHistoryAsync(instanceId, continuationToken, pageSize);

    public Task<WorkflowPage> ListAsync(WorkflowQuery query) => client.ListAsync(query);

    public async Task<Dictionary<WorkflowRuntimeStatus, long>> CountByStatusAsync(WorkflowQuery query) =>
        new(await client.CountByStatusAsync(query).ConfigureAwait(true));

    public Task RaiseEventAsync(string instanceId, string eventName, string? data) => client.RaiseEventAsync(instanceId, eventName, Json(data));

    public Task CompleteCallbackAsync(string token, string? result) => client.CompleteCallbackAsync(token, Json(result));

    public Task FailCallbackAsync(string token, string errorMessage) => client.FailCallbackAsync(token, errorMessage);

    public Task HeartbeatCallbackAsync(string token) => client.HeartbeatCallbackAsync(token);

    public Task ControlAsync(string instanceId, InstanceControl request, string? reason) => request switch
    {
        InstanceControl.Terminate => client.TerminateAsync(instanceId, reason),
        InstanceControl.Suspend => client.SuspendAsync(instanceId, reason),
        InstanceControl.Resume => client.ResumeAsync(instanceId, reason),
        InstanceControl.Rewind => client.RewindAsync(instanceId, reason),
        _ => throw new ArgumentOutOfRangeException(nameof(request), request, "Not an operator request."),
    };

    public Task<string> RestartAsync(string instanceId, bool newInstanceId) => client.RestartAsync(instanceId, newInstanceId);

    public Task PurgeAsync(string instanceId) => client.PurgeAsync(instanceId);

    public Task<int> PurgeAsync(PurgeQuery query) => client.PurgeAsync(query);

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
