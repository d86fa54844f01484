namespace Baton;

/// <summary>A callback token is malformed or its signature does not verify: it was not issued by this cluster, or it was altered.</summary>
/// <param name="reason">What is wrong with it.</param>
[GenerateSerializer]
[Alias("Baton.InvalidCallbackTokenException")]
public sealed class InvalidCallbackTokenException(string reason)
    : BatonException($"The callback token is not valid: {reason}.")
{
    /// <summary>What is wrong with it.</summary>
    [Id(0)]
    public string Reason { get; } = reason;
}
