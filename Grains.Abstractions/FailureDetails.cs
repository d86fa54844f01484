namespace Baton;

/// <summary>What is known of a failure: recorded in history and shown in status.</summary>
/// <param name="ErrorType">The full name of the exception type.</param>
/// <param name="Message">The exception's message.</param>
/// <param name="StackTrace">The stack trace at the point of failure, if any.</param>
/// <param name="Inner">The inner failure, if any.</param>
public sealed record FailureDetails(string ErrorType, string Message, string? StackTrace = null, FailureDetails? Inner = null)
{
    /// <summary>Captures an exception (and its inner exceptions) as failure details.</summary>
    /// <param name="exception">The exception to capture.</param>
    /// <returns>The failure details.</returns>
    public static FailureDetails FromException(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        if (exception is AggregateException { InnerExceptions.Count: 1 } aggregate)
        {
            exception = aggregate.InnerExceptions[0];
        }

        // A failed activity or step already carries the failure it wraps: keep it as the cause.
        var inner = exception switch
        {
            ActivityFailedException activity => activity.Failure,
            StepFailedException step => step.Failure,
            ChildWorkflowFailedException child => child.Failure,
            CallbackFailedException callback => callback.Failure,
            _ => exception.InnerException is { } cause ? FromException(cause) : null,
        };

        return new FailureDetails(exception.GetType().FullName ?? exception.GetType().Name, exception.Message, exception.StackTrace, inner);
    }

    /// <summary>True when this failure (or one it wraps) is of the exception type <typeparamref name="TException"/>.</summary>
    /// <typeparam name="TException">The exception type to look for.</typeparam>
    /// <returns>Whether the type name matches at any level.</returns>
    public bool IsCausedBy<TException>() where TException : Exception => IsCausedBy(typeof(TException));

    /// <summary>True when this failure (or one it wraps) is of the exception type <paramref name="exceptionType"/>.</summary>
    /// <param name="exceptionType">The exception type to look for.</param>
    /// <returns>Whether the type name matches at any level.</returns>
    public bool IsCausedBy(Type exceptionType)
    {
        ArgumentNullException.ThrowIfNull(exceptionType);
        return ErrorType == exceptionType.FullName || (Inner?.IsCausedBy(exceptionType) ?? false);
    }
}
