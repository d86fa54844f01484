namespace Baton;

/// <summary>
/// An update was refused before anything was recorded: its input does not read as the handler's input type, or the
/// workflow's validator threw. The instance is unchanged; the same update may be sent again with other input.
/// </summary>
/// <param name="instanceId">The instance sent to.</param>
/// <param name="updateName">The update sent.</param>
/// <param name="reason">Why, with the validator's message.</param>
[GenerateSerializer]
[Alias("Baton.UpdateRejectedException")]
public sealed class UpdateRejectedException(string instanceId, string updateName, string reason)
    : BatonException($"Update '{updateName}' of instance '{instanceId}' was rejected: {reason}")
{
    /// <summary>The instance sent to.</summary>
    [Id(0)]
    public string InstanceId { get; } = instanceId;

    /// <summary>The update sent.</summary>
    [Id(1)]
    public string UpdateName { get; } = updateName;

    /// <summary>Why it was rejected.</summary>
    [Id(2)]
    public string Reason { get; } = reason;
}
