namespace Baton;

/// <summary>A change to a running schedule, sent to it as an event (see <see cref="ScheduleClient"/>).</summary>
/// <param name="Kind">What to do.</param>
/// <param name="Spec">The new spec, for <see cref="ScheduleCommandKind.Update"/>.</param>
/// <param name="From">The start of the range (exclusive), for <see cref="ScheduleCommandKind.Backfill"/>.</param>
/// <param name="To">The end of the range (inclusive), for <see cref="ScheduleCommandKind.Backfill"/>.</param>
public sealed record ScheduleCommand(ScheduleCommandKind Kind, ScheduleSpec? Spec = null, DateTime? From = null, DateTime? To = null);

/// <summary>The changes a schedule takes.</summary>
[System.Text.Json.Serialization.JsonConverter(typeof(System.Text.Json.Serialization.JsonStringEnumConverter<ScheduleCommandKind>))]
public enum ScheduleCommandKind
{
    /// <summary>Stop starting runs until resumed.</summary>
    Pause,

    /// <summary>Start runs again, from now on (runs due while paused are not made up).</summary>
    Resume,

    /// <summary>Start a run now, under the overlap policy.</summary>
    Trigger,

    /// <summary>Start a run for every time in a past range, at most 1,000, each under the id a run at that time has.</summary>
    Backfill,

    /// <summary>Replace the spec; runs are counted from now on.</summary>
    Update,
}
