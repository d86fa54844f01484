namespace Baton;

/// <summary>A workflow whose result was asked for did not complete: it failed or was terminated.</summary>
/// <param name="instanceId">The instance.</param>
/// <param name="status">How it ended: <see cref="WorkflowRuntimeStatus.Failed"/> or <see cref="WorkflowRuntimeStatus.Terminated"/>.</param>
/// <param name="failure">Why it failed, when it failed; null when it was terminated.</param>
/// <param name="reason">The status reason (a termination's reason), if any.</param>
public sealed class WorkflowFailedException(string instanceId, WorkflowRuntimeStatus status, FailureDetails? failure, string? reason)
    : BatonException(failure is not null
        ? $"Workflow instance '{instanceId}' {status.ToString().ToLowerInvariant()}: {failure.Message}"
        : $"Workflow instance '{instanceId}' was {status.ToString().ToLowerInvariant()}{(reason is null ? "" : $": {reason}")}.")
{
    /// <summary>The instance.</summary>
    public string InstanceId { get; } = instanceId;

    /// <summary>How it ended.</summary>
    public WorkflowRuntimeStatus Status { get; } = status;

    /// <summary>Why it failed, when it failed.</summary>
    public FailureDetails? Failure { get; } = failure;
}
