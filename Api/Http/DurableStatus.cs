using System.Text.Json;
using System.Text.Json.Serialization;
using Baton.Serialization;

namespace Baton.Api.Http;

/// <summary>
/// An instance's status in the Durable Functions HTTP API's field names (<c>name</c>, <c>instanceId</c>, <c>runtimeStatus</c>,
/// <c>input</c>, <c>customStatus</c>, <c>output</c>, <c>createdTime</c>, <c>lastUpdatedTime</c>, <c>historyEvents</c>), plus
/// Baton's own fields after them. Input, output and custom status are JSON values, not strings; a failed instance's output
/// is its failure message and a terminated one's the reason, as Durable Functions gives them, with Baton's
/// <c>failureDetails</c> and <c>statusReason</c> beside them.
/// </summary>
internal sealed record DurableStatus(
    string Name,
    string InstanceId,
    string RuntimeStatus,
    JsonElement? Input,
    JsonElement? CustomStatus,
    JsonElement? Output,
    DateTime CreatedTime,
    DateTime LastUpdatedTime,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] JsonElement? HistoryEvents,
    DateTime? CompletedTime,
    int Version,
    string? ParentInstanceId,
    string? StatusReason,
    FailureDetails? FailureDetails)
{
    /// <summary>With <c>showHistory</c>, when the inlined history stops short: where the rest is read a page at a time.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? HistoryNextUri { get; init; }

    public static DurableStatus From(WorkflowStatus status, bool showInput = true) => new(
        status.Name,
        status.InstanceId,
        status.RuntimeStatus.ToString(),
        showInput ? Json(status.Input) : null,
        Json(status.CustomStatus),
        OutputOf(status),
        status.CreatedAt,
        status.LastUpdatedAt,
        status.History is { } history ? JsonSerializer.SerializeToElement(history, BatonJson.Options) : null,
        status.CompletedAt,
        status.Version,
        status.ParentInstanceId,
        status.StatusReason,
        status.Failure);

    /// <summary>
    /// As in Durable Functions: a failed instance's output is its failure's message (failureDetails has the rest), and a
    /// terminated one's is the reason given (also in statusReason).
    /// </summary>
    private static JsonElement? OutputOf(WorkflowStatus status) => status switch
    {
        { RuntimeStatus: WorkflowRuntimeStatus.Failed, Output: null, Failure: { } failure } => JsonSerializer.SerializeToElement(failure.Message),
        { RuntimeStatus: WorkflowRuntimeStatus.Terminated, Output: null, StatusReason: { } reason } => JsonSerializer.SerializeToElement(reason),
        _ => Json(status.Output),
    };

    private static JsonElement? Json(string? json)
    {
        if (json is null)
        {
            return null;
        }

        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }
}
