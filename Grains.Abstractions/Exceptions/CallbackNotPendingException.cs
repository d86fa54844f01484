namespace Baton;

/// <summary>A validly signed callback token whose callback no longer waits: it was already completed or failed, it timed out, or its instance finished.</summary>
/// <param name="instanceId">The instance the callback belongs to.</param>
[GenerateSerializer]
[Alias("Baton.CallbackNotPendingException")]
public sealed class CallbackNotPendingException(string instanceId)
    : BatonException($"The callback of instance '{instanceId}' is no longer waiting: it was already used, it timed out, or the instance finished.")
{
    /// <summary>The instance the callback belongs to.</summary>
    [Id(0)]
    public string InstanceId { get; } = instanceId;
}
