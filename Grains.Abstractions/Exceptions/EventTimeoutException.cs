namespace Baton;

/// <summary>Thrown into workflow code when <see cref="IWorkflowContext.WaitForEventAsync{T}"/> times out before the event arrives.</summary>
/// <param name="eventName">The event waited for.</param>
/// <param name="timeout">How long the workflow waited.</param>
public sealed class EventTimeoutException(string eventName, TimeSpan timeout)
    : BatonException($"The event '{eventName}' did not arrive within {timeout}.")
{
    /// <summary>The event waited for.</summary>
    public string EventName { get; } = eventName;

    /// <summary>How long the workflow waited.</summary>
    public TimeSpan Timeout { get; } = timeout;
}
