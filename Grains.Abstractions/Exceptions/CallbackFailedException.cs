namespace Baton;

/// <summary>Thrown into workflow code when the outside system reported a callback's work as failed.</summary>
/// <param name="callbackName">The callback's name.</param>
/// <param name="failure">What the outside system reported.</param>
public sealed class CallbackFailedException(string callbackName, FailureDetails failure)
    : BatonException($"The callback '{callbackName}' failed: {failure.Message}")
{
    /// <summary>The callback's name.</summary>
    public string CallbackName { get; } = callbackName;

    /// <summary>What the outside system reported.</summary>
    public FailureDetails Failure { get; } = failure;
}
