namespace Baton;

/// <summary>An instance id is empty, too long, or contains control characters.</summary>
/// <param name="instanceId">The rejected id (possibly truncated for the message).</param>
/// <param name="reason">Why it was rejected.</param>
[GenerateSerializer]
[Alias("Baton.InvalidInstanceIdException")]
public sealed class InvalidInstanceIdException(string? instanceId, string reason)
    : BatonException($"Invalid instance id: {reason}")
{
    /// <summary>The rejected id.</summary>
    [Id(0)]
    public string? InstanceId { get; } = instanceId;

    /// <summary>Why it was rejected.</summary>
    [Id(1)]
    public string Reason { get; } = reason;
}
