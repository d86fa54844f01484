namespace Baton;

/// <summary>
/// How a failed activity or step is retried: exponential backoff with jitter between attempts, up to a
/// number of attempts and an overall time. The waits are durable timers, so a retry due in an hour costs a
/// row on disk and survives restarts.
/// </summary>
public sealed record RetryPolicy
{
    /// <summary>The most attempts, the first included. Default: 3.</summary>
    public int MaxAttempts { get; init; } = 3;

    /// <summary>The wait before the second attempt. Default: 1 second.</summary>
    public TimeSpan FirstRetryInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Each wait is the previous one times this. Default: 2.</summary>
    public double BackoffCoefficient { get; init; } = 2;

    /// <summary>The longest wait between attempts. Default: 5 minutes.</summary>
    public TimeSpan MaxRetryInterval { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>No attempt starts later than this after the first one began; null for no limit. Default: null.</summary>
    public TimeSpan? Timeout { get; init; }

    /// <summary>
    /// The fraction (0 to 1) by which each wait is randomly lengthened or shortened, so that many failing
    /// instances do not retry in step. The randomness is derived from the instance and step, so replay
    /// sees the same waits. Default: 0.1.
    /// </summary>
    public double Jitter { get; init; } = 0.1;

    /// <summary>Exception types that are never retried (matched by full name, at any level of the failure). Default: none.</summary>
    public IReadOnlyCollection<Type> NonRetryableExceptions { get; init; } = [];

    /// <summary>Checks the policy's values.</summary>
    /// <exception cref="ArgumentException">A value is out of range.</exception>
    public void Validate()
    {
        Require(MaxAttempts >= 1, "MaxAttempts must be at least 1");
        Require(FirstRetryInterval >= TimeSpan.Zero, "FirstRetryInterval must not be negative");
        Require(BackoffCoefficient >= 1, "BackoffCoefficient must be at least 1");
        Require(MaxRetryInterval >= FirstRetryInterval, "MaxRetryInterval must be at least FirstRetryInterval");
        Require(Timeout is null || Timeout > TimeSpan.Zero, "Timeout must be positive");
        Require(Jitter is >= 0 and <= 1, "Jitter must be between 0 and 1");
    }

    /// <summary>Whether <paramref name="failure"/> may be retried under this policy.</summary>
    /// <param name="failure">The attempt's failure.</param>
    /// <returns>False when it is of a non-retryable type (or an unregistered activity, which no retry fixes).</returns>
    public bool IsRetryable(FailureDetails failure)
    {
        ArgumentNullException.ThrowIfNull(failure);
        return !failure.IsCausedBy<ActivityNotRegisteredException>() && !NonRetryableExceptions.Any(failure.IsCausedBy);
    }

    private static void Require(bool condition, string rule)
    {
        if (!condition)
        {
            throw new ArgumentException($"Invalid retry policy: {rule}.");
        }
    }
}
