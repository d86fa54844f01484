namespace Baton;

/// <summary>A schedule as it stands: its spec, whether it is paused, when it runs next, and what it has done.</summary>
public sealed record ScheduleDescription
{
    /// <summary>The schedule's id.</summary>
    public required string ScheduleId { get; init; }

    /// <summary>What it starts, and when.</summary>
    public required ScheduleSpec Spec { get; init; }

    /// <summary>Whether it is paused.</summary>
    public bool Paused { get; init; }

    /// <summary>When it starts its next run (UTC, jitter included); null while paused or when the cron expression has no more times.</summary>
    public DateTime? NextRunAt { get; init; }

    /// <summary>The time of the last run it got to (UTC).</summary>
    public DateTime? LastRunAt { get; init; }

    /// <summary>Runs started.</summary>
    public long Started { get; init; }

    /// <summary>Runs skipped because the previous one was live (<see cref="ScheduleOverlap.Skip"/>).</summary>
    public long Skipped { get; init; }

    /// <summary>Runs missed because they were due further back than the catch-up window.</summary>
    public long Missed { get; init; }

    /// <summary>Runs that could not be started (the workflow is gone, or refused the input); <see cref="LastError"/> says why.</summary>
    public long Failed { get; init; }

    /// <summary>Why the last run that could not start did not.</summary>
    public string? LastError { get; init; }

    /// <summary>The instance ids of the latest runs, newest last (at most ten).</summary>
    public IReadOnlyList<string> RecentRuns { get; init; } = [];
}
