namespace Baton.Grains;

/// <summary>
/// The long waits of every instance that fall due in one second, carried by one Orleans reminder, so that an instance
/// waiting beyond <c>BatonOptions.ReminderThreshold</c> holds no reminder (nor its memory in the reminder service) of its
/// own. Keyed by the second (Unix seconds, UTC) its waits fall due by.
/// </summary>
[Alias("Baton.ITimerBucketGrain")]
public interface ITimerBucketGrain : IGrainWithIntegerKey
{
    /// <summary>Makes sure the bucket's reminder is registered; called after the commit that stored the wait.</summary>
    /// <returns>A task that completes once the reminder is registered.</returns>
    [Alias("Arm")]
    Task ArmAsync();
}
