using Baton.History;
using Baton.Serialization;

namespace Baton;

/// <summary>A snapshot of one workflow instance, as last committed.</summary>
public sealed record WorkflowStatus
{
    /// <summary>The instance id.</summary>
    public required string InstanceId { get; init; }

    /// <summary>The workflow's registered name.</summary>
    public required string Name { get; init; }

    /// <summary>The workflow version the instance runs.</summary>
    public int Version { get; init; } = 1;

    /// <summary>The parent instance's id, when this is a child workflow.</summary>
    public string? ParentInstanceId { get; init; }

    /// <summary>The lifecycle state.</summary>
    public required WorkflowRuntimeStatus RuntimeStatus { get; init; }

    /// <summary>When the instance was created (UTC).</summary>
    public required DateTime CreatedAt { get; init; }

    /// <summary>When the instance last changed (UTC).</summary>
    public required DateTime LastUpdatedAt { get; init; }

    /// <summary>When the instance finished (UTC), if it has.</summary>
    public DateTime? CompletedAt { get; init; }

    /// <summary>The input as JSON, or null.</summary>
    public string? Input { get; init; }

    /// <summary>The output as JSON once completed, or null.</summary>
    public string? Output { get; init; }

    /// <summary>The workflow's custom status as JSON (see <see cref="IWorkflowContext.SetCustomStatus"/>), or null.</summary>
    public string? CustomStatus { get; init; }

    /// <summary>Why the instance is in its state, when the state needs a reason: a stalled instance's missing version, a termination's reason.</summary>
    public string? StatusReason { get; init; }

    /// <summary>Why the instance failed, if it did.</summary>
    public FailureDetails? Failure { get; init; }

    /// <summary>The history, when it was asked for; otherwise null.</summary>
    public IReadOnlyList<HistoryEvent>? History { get; init; }

    /// <summary>Deserialises <see cref="Output"/> to <typeparamref name="T"/>.</summary>
    /// <typeparam name="T">The workflow's output type.</typeparam>
    /// <returns>The output; default when there is none.</returns>
    public T? ReadOutput<T>() => BatonJson.Deserialize<T>(Output);

    /// <summary>Deserialises <see cref="CustomStatus"/> to <typeparamref name="T"/>.</summary>
    /// <typeparam name="T">The custom status type.</typeparam>
    /// <returns>The custom status; default when there is none.</returns>
    public T? ReadCustomStatus<T>() => BatonJson.Deserialize<T>(CustomStatus);
}
