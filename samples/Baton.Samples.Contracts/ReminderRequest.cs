namespace Baton.Samples;

/// <summary>A reminder to send after a delay.</summary>
/// <param name="Message">What to say.</param>
/// <param name="DelaySeconds">How long to wait first.</param>
public sealed record ReminderRequest(string Message, int DelaySeconds);
