namespace Baton;

/// <summary>Options of <see cref="IWorkflowContext.CreateCallback{T}"/>.</summary>
public sealed record CallbackOptions
{
    /// <summary>How long the callback may stay open; null for no limit. Default: null.</summary>
    public TimeSpan? Timeout { get; init; }

    /// <summary>How long the outside system may go between heartbeats; null when it need not send any. Default: null.</summary>
    public TimeSpan? HeartbeatTimeout { get; init; }
}

/// <summary>A callback an outside system completes: hand it <see cref="Token"/>, then await <see cref="Result"/>.</summary>
/// <typeparam name="T">The result type.</typeparam>
/// <param name="Token">The signed token that completes, fails or heartbeats this callback; it cannot be guessed or forged.</param>
/// <param name="Result">Completes with the result, or throws <see cref="CallbackFailedException"/> or <see cref="CallbackTimeoutException"/>.</param>
public sealed record WorkflowCallback<T>(string Token, Task<T> Result);
