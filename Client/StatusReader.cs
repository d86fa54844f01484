using System.Text.Json;
using Baton.History;
using Baton.Serialization;

namespace Baton.Client;

/// <summary>Reads the node's status payload (Durable Functions field names plus Baton's) into a <see cref="WorkflowStatus"/>.</summary>
internal static class StatusReader
{
    public static WorkflowStatus Read(JsonElement payload)
    {
        var status = Enum.Parse<WorkflowRuntimeStatus>(payload.GetProperty("runtimeStatus").GetString()!);
        var failure = Optional(payload, "failureDetails")?.Deserialize<FailureDetails>(BatonJson.Options);
        return Read(payload, status, failure);
    }

    private static WorkflowStatus Read(JsonElement payload, WorkflowRuntimeStatus status, FailureDetails? failure) => new()
    {
        InstanceId = payload.GetProperty("instanceId").GetString()!,
        Name = payload.GetProperty("name").GetString()!,
        RuntimeStatus = status,
        CreatedAt = payload.GetProperty("createdTime").GetDateTime().ToUniversalTime(),
        LastUpdatedAt = payload.GetProperty("lastUpdatedTime").GetDateTime().ToUniversalTime(),
        CompletedAt = Optional(payload, "completedTime")?.GetDateTime().ToUniversalTime(),
        Input = Raw(payload, "input"),
        // Over HTTP a failed instance's output is its failure message and a terminated one's the reason (the Durable Functions
        // shape); they are in Failure and StatusReason, and a terminated instance has no output of its own.
        Output = status == WorkflowRuntimeStatus.Failed && failure is not null || status == WorkflowRuntimeStatus.Terminated ? null : Raw(payload, "output"),
        CustomStatus = Raw(payload, "customStatus"),
        Version = Optional(payload, "version")?.GetInt32() ?? 1,
        ParentInstanceId = Optional(payload, "parentInstanceId")?.GetString(),
        StatusReason = Optional(payload, "statusReason")?.GetString(),
        Failure = failure,
        History = Optional(payload, "historyEvents")?.Deserialize<List<HistoryEvent>>(BatonJson.Options),
    };

    private static JsonElement? Optional(JsonElement payload, string name) =>
        payload.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null ? value : null;

    private static string? Raw(JsonElement payload, string name) => Optional(payload, name)?.GetRawText();
}
