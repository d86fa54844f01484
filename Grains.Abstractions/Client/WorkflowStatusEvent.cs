namespace Baton;

/// <summary>One change of an instance's runtime status, as published by server-sent events and webhooks.</summary>
/// <param name="Sequence">The event's position in the cluster's status log; later changes have larger numbers.</param>
/// <param name="InstanceId">The instance's id within its <see cref="Namespace"/>.</param>
/// <param name="Name">The workflow name.</param>
/// <param name="RuntimeStatus">The status the instance changed to.</param>
/// <param name="PreviousStatus">The status it changed from; null when the instance was just created.</param>
/// <param name="At">When the change was committed (UTC).</param>
/// <param name="Reason">The status reason, when the status has one (a termination's reason, a stalled instance's missing version).</param>
public sealed record WorkflowStatusEvent(
    long Sequence,
    string InstanceId,
    string Name,
    WorkflowRuntimeStatus RuntimeStatus,
    WorkflowRuntimeStatus? PreviousStatus,
    DateTime At,
    string? Reason)
{
    /// <summary>The namespace the instance is in.</summary>
    public string Namespace { get; init; } = WorkflowNamespaces.Default;
}
