namespace Baton;

/// <summary>How often <see cref="IWorkflowContext.WaitForConditionAsync"/> checks its condition: backoff with jitter between checks, up to a number of checks.</summary>
public sealed record PollingStrategy
{
    /// <summary>The most checks, the first included. Default: 10.</summary>
    public int MaxAttempts { get; init; } = 10;

    /// <summary>The wait after the first check. Default: 5 seconds.</summary>
    public TimeSpan FirstInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Each wait is the previous one times this. Default: 2.</summary>
    public double BackoffCoefficient { get; init; } = 2;

    /// <summary>The longest wait between checks. Default: 5 minutes.</summary>
    public TimeSpan MaxInterval { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>The fraction (0 to 1) by which each wait varies at random (replay-safe). Default: 0.1.</summary>
    public double Jitter { get; init; } = 0.1;

    /// <summary>Checks the strategy's values.</summary>
    /// <exception cref="ArgumentException">A value is out of range.</exception>
    public void Validate()
    {
        if (MaxAttempts < 1 || FirstInterval < TimeSpan.Zero || BackoffCoefficient < 1 || MaxInterval < FirstInterval || Jitter is < 0 or > 1)
        {
            throw new ArgumentException("Invalid polling strategy: MaxAttempts must be at least 1, FirstInterval not negative, BackoffCoefficient at least 1, MaxInterval at least FirstInterval and Jitter between 0 and 1.");
        }
    }
}
