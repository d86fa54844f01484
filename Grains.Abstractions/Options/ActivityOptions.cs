namespace Baton;

/// <summary>Per-call options of <see cref="IWorkflowContext.CallActivityAsync{TResult}"/>.</summary>
public sealed record ActivityOptions
{
    /// <summary>The name of the default activity queue, which every silo's worker pool serves.</summary>
    public const string DefaultQueue = "default";

    /// <summary>
    /// The queue the call is routed to, so that work can go to silos that have the hardware for it (a GPU
    /// pool, say). Default: <see cref="DefaultQueue"/>.
    /// </summary>
    public string Queue { get; init; } = DefaultQueue;

    /// <summary>How to retry a failed attempt; null for no retries. Retries wait on durable timers.</summary>
    public RetryPolicy? Retry { get; init; }

    /// <summary>How long one attempt may run once a worker has started it; null for no limit.</summary>
    public TimeSpan? StartToCloseTimeout { get; init; }

    /// <summary>How long the whole call may take, from scheduling through every retry; null for no limit.</summary>
    public TimeSpan? ScheduleToCloseTimeout { get; init; }

    /// <summary>
    /// How long an attempt may go without calling <see cref="ActivityContext.Heartbeat"/> before it is
    /// timed out (and retried, if the policy allows); null when the activity does not heartbeat.
    /// </summary>
    public TimeSpan? HeartbeatTimeout { get; init; }
}
