namespace Baton;

/// <summary>Thrown into workflow code when a callback was not completed in time, or its heartbeats stopped.</summary>
/// <param name="callbackName">The callback's name.</param>
/// <param name="missedHeartbeat">True when a heartbeat was missed; false when the overall timeout passed.</param>
public sealed class CallbackTimeoutException(string callbackName, bool missedHeartbeat)
    : BatonException(missedHeartbeat
        ? $"The callback '{callbackName}' missed its heartbeat."
        : $"The callback '{callbackName}' was not completed before its timeout.")
{
    /// <summary>The callback's name.</summary>
    public string CallbackName { get; } = callbackName;

    /// <summary>True when a heartbeat was missed; false when the overall timeout passed.</summary>
    public bool MissedHeartbeat { get; } = missedHeartbeat;
}
