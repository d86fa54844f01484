using System.ComponentModel.DataAnnotations;
using System.Text.Json;
using Cronos;

namespace Baton;

/// <summary>What a schedule starts, and when: a cron expression or a fixed interval, exactly one of them.</summary>
public sealed record ScheduleSpec : IValidatableObject
{
    /// <summary>The workflow each run starts (its newest version).</summary>
    [Required]
    public string Workflow { get; init; } = "";

    /// <summary>The input each run starts with; null for none.</summary>
    public JsonElement? Input { get; init; }

    /// <summary>A cron expression: five fields (minute hour day month weekday), or six with seconds first.</summary>
    public string? Cron { get; init; }

    /// <summary>The time zone the cron expression is read in (an IANA or Windows id). Default: UTC.</summary>
    public string? TimeZone { get; init; }

    /// <summary>A fixed interval between runs, from the schedule's creation (at least a second).</summary>
    public TimeSpan? Interval { get; init; }

    /// <summary>Each run starts up to this much later than its time, by an amount fixed per run, so that schedules due at the same moment spread out. Default: none.</summary>
    public TimeSpan Jitter { get; init; }

    /// <summary>What a run due while the previous one is still live does. Default: <see cref="ScheduleOverlap.Skip"/>.</summary>
    public ScheduleOverlap Overlap { get; init; } = ScheduleOverlap.Skip;

    /// <summary>
    /// Runs due further back than this when the schedule gets to them (the cluster was down, or the schedule paused) are
    /// missed rather than started late. Default: one minute.
    /// </summary>
    public TimeSpan CatchupWindow { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>Whether the schedule starts paused.</summary>
    public bool Paused { get; init; }

    /// <inheritdoc />
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if ((Cron is null) == (Interval is null))
        {
            yield return new ValidationResult("Give exactly one of cron and interval.", [nameof(Cron), nameof(Interval)]);
        }

        if (Cron is not null && ParseCron(Cron) is { Error: { } error })
        {
            yield return new ValidationResult(error, [nameof(Cron)]);
        }

        if (TimeZone is not null && FindTimeZone(TimeZone) is null)
        {
            yield return new ValidationResult($"'{TimeZone}' is not a time zone this machine knows.", [nameof(TimeZone)]);
        }

        if (Interval is { } interval && interval < TimeSpan.FromSeconds(1))
        {
            yield return new ValidationResult("The interval must be at least a second.", [nameof(Interval)]);
        }

        if (Jitter < TimeSpan.Zero || Interval is { } every && Jitter >= every)
        {
            yield return new ValidationResult("The jitter must be zero or more, and less than the interval.", [nameof(Jitter)]);
        }

        if (CatchupWindow < TimeSpan.Zero)
        {
            yield return new ValidationResult("The catch-up window must be zero or more.", [nameof(CatchupWindow)]);
        }
    }

    /// <summary>The first run time strictly after <paramref name="after"/> (UTC); null when the cron expression has none.</summary>
    /// <param name="after">The time to look after.</param>
    /// <param name="anchor">Where an interval counts from (the schedule's creation).</param>
    public DateTime? NextAfter(DateTime after, DateTime anchor)
    {
        if (Interval is { } interval)
        {
            // The smallest whole number of intervals from the anchor that lands after it: negative for a range before the anchor (a backfill).
            var periods = (long)Math.Floor((after - anchor) / interval) + 1;
            return anchor + interval * periods;
        }

        var (expression, _) = ParseCron(Cron!);
        return expression!.GetNextOccurrence(DateTime.SpecifyKind(after, DateTimeKind.Utc), FindTimeZone(TimeZone ?? "UTC") ?? TimeZoneInfo.Utc);
    }

    private static (CronExpression? Expression, string? Error) ParseCron(string cron)
    {
        try
        {
            var format = cron.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length == 6 ? CronFormat.IncludeSeconds : CronFormat.Standard;
            return (CronExpression.Parse(cron, format), null);
        }
        catch (CronFormatException ex)
        {
            return (null, $"'{cron}' is not a cron expression: {ex.Message}");
        }
    }

    private static TimeZoneInfo? FindTimeZone(string id)
    {
        try
        {
            return TimeZoneInfo.FindSystemTimeZoneById(id);
        }
        catch (Exception ex) when (ex is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            return null;
        }
    }
}

/// <summary>What a schedule does with a run that falls due while its previous run is still live.</summary>
[System.Text.Json.Serialization.JsonConverter(typeof(System.Text.Json.Serialization.JsonStringEnumConverter<ScheduleOverlap>))]
public enum ScheduleOverlap
{
    /// <summary>Skips it (counted in <see cref="ScheduleDescription.Skipped"/>).</summary>
    Skip,

    /// <summary>Starts it once the previous run finishes.</summary>
    BufferOne,

    /// <summary>Terminates the previous run, then starts it.</summary>
    CancelPrevious,

    /// <summary>Starts it anyway: runs overlap.</summary>
    AllowAll,
}
