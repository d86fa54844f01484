namespace Baton;

/// <summary>
/// The clock Baton's workflows, timers, retries, limits and schedules run on: a keyed <see cref="TimeProvider"/>, the
/// system clock unless the host registers another under <see cref="ServiceKey"/> (a test's manual clock, say).
/// </summary>
/// <remarks>
/// It is kept apart from the unkeyed <see cref="TimeProvider"/> because Orleans' own membership, grain timers and
/// activation collection run on that one: a clock that only moves when a test says so would stall a silo's join.
/// </remarks>
public static class BatonClock
{
    /// <summary>The service key of Baton's <see cref="TimeProvider"/>.</summary>
    public const string ServiceKey = "Baton.Clock";
}
