namespace Baton;

/// <summary>An instance id is empty, too long, or contains control characters.</summary>
/// <param name="instanceId">The rejected id (possibly truncated for the message).</param>
/// <param name="reason">Why it was rejected.</param>
public sealed class InvalidInstanceIdException(string? instanceId, string reason)
    : BatonException($"Invalid instance id: {reason}")
{
    /// <summary>The rejected id.</summary>
    public string? InstanceId { get; } = instanceId;

    /// <summary>Why it was rejected.</summary>
    public string Reason { get; } = reason;
}
