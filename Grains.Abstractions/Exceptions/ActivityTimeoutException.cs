namespace Baton;

/// <summary>An activity attempt ran out of time; recorded as the cause of an <see cref="ActivityFailedException"/>, and retried like any failure.</summary>
/// <param name="activityName">The activity.</param>
/// <param name="kind">Which limit was exceeded.</param>
/// <param name="limit">The limit.</param>
public sealed class ActivityTimeoutException(string activityName, ActivityTimeoutKind kind, TimeSpan limit)
    : BatonException($"Activity '{activityName}' exceeded its {kind} timeout of {limit}.")
{
    /// <summary>The activity.</summary>
    public string ActivityName { get; } = activityName;

    /// <summary>Which limit was exceeded.</summary>
    public ActivityTimeoutKind Kind { get; } = kind;
}

/// <summary>The limits an activity call can exceed.</summary>
public enum ActivityTimeoutKind
{
    /// <summary>One attempt ran longer than <see cref="ActivityOptions.StartToCloseTimeout"/>.</summary>
    StartToClose,

    /// <summary>The call, with all its retries, took longer than <see cref="ActivityOptions.ScheduleToCloseTimeout"/>.</summary>
    ScheduleToClose,

    /// <summary>The activity went longer than <see cref="ActivityOptions.HeartbeatTimeout"/> without <see cref="ActivityContext.Heartbeat"/>.</summary>
    Heartbeat,
}
