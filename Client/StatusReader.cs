using System.Text.Json;
using Baton.History;
using Baton.Serialization;

namespace Baton.Client;

/// <summary>Reads the node's status payload (Durable Functions field names plus Baton's) into a <see cref="WorkflowStatus"/>.</summary>
internal static class StatusReader
{
    public static WorkflowStatus Read(JsonElement payload) => new()
    {
        InstanceId = payload.GetProperty("instanceId").GetString()!,
        Name = payload.GetProperty("name").GetString()!,
        RuntimeStatus = Enum.Parse<WorkflowRuntimeStatus>(payload.GetProperty("runtimeStatus").GetString()!),
        CreatedAt = payload.GetProperty("createdTime").GetDateTime().ToUniversalTime(),
        LastUpdatedAt = payload.GetProperty("lastUpdatedTime").GetDateTime().ToUniversalTime(),
        CompletedAt = Optional(payload, "completedTime")?.GetDateTime().ToUniversalTime(),
        Input = Raw(payload, "input"),
        Output = Raw(payload, "output"),
        CustomStatus = Raw(payload, "customStatus"),
        Version = Optional(payload, "version")?.GetInt32() ?? 1,
        ParentInstanceId = Optional(payload, "parentInstanceId")?.GetString(),
        StatusReason = Optional(payload, "statusReason")?.GetString(),
        Failure = Optional(payload, "failureDetails")?.Deserialize<FailureDetails>(BatonJson.Options),
        History = Optional(payload, "historyEvents")?.Deserialize<List<HistoryEvent>>(BatonJson.Options),
    };

    private static JsonElement? Optional(JsonElement payload, string name) =>
        payload.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null ? value : null;

    private static string? Raw(JsonElement payload, string name) => Optional(payload, name)?.GetRawText();
}
