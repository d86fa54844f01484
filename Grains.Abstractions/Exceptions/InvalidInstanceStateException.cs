namespace Baton;

/// <summary>An operation does not apply to the instance in its current state (an event for a finished instance, resume of a running one, purge of a running one).</summary>
/// <param name="instanceId">The instance.</param>
/// <param name="status">Its status when the operation was refused.</param>
/// <param name="operation">What was asked, for example "raise an event".</param>
/// <param name="rule">Why it was refused, for a person.</param>
[GenerateSerializer]
[Alias("Baton.InvalidInstanceStateException")]
public sealed class InvalidInstanceStateException(string instanceId, WorkflowRuntimeStatus status, string operation, string rule)
    : BatonException($"Cannot {operation} on instance '{instanceId}': it is {status}, and {rule}.")
{
    /// <summary>The instance.</summary>
    [Id(0)]
    public string InstanceId { get; } = instanceId;

    /// <summary>Its status when the operation was refused.</summary>
    [Id(1)]
    public WorkflowRuntimeStatus Status { get; } = status;

    /// <summary>What was asked.</summary>
    [Id(2)]
    public string Operation { get; } = operation;

    /// <summary>Why it was refused, for a person.</summary>
    [Id(3)]
    public string Rule { get; } = rule;
}
