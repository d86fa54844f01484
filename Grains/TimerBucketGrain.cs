using Baton.Grains.Logging;
using Baton.Grains.Runtime;

namespace Baton.Grains;

/// <summary>
/// Serves <see cref="ITimerBucketGrain"/>: at its second, its reminder fires, and it wakes every unfinished instance with
/// a timer due within that second, found in the store's index of due messages; then the reminder goes. A reminder ticks
/// again a minute later until it is removed, so a silo that dies mid-sweep leaves the rest to the next tick. Instances it
/// cannot move (a stalled or suspended one) are left to recovery's sweep of overdue instances.
/// </summary>
internal sealed class TimerBucketGrain(InstanceServices services, IGrainFactory grains) : Grain, ITimerBucketGrain, IRemindable
{
    private const string Reminder = "baton-due";

    /// <summary>How many due instances one read of the store returns.</summary>
    private const int SweepBatch = 1000;

    /// <summary>How many wake-ups run at once.</summary>
    private const int WakeConcurrency = 64;

    private bool _armed;

    /// <summary>The end of the bucket's second: its waits fall due in the second before.</summary>
    public static DateTime DueAt(long bucket) => DateTime.UnixEpoch.AddSeconds(bucket);

    /// <summary>The bucket of a wait due at <paramref name="dueAt"/>: the second it falls due by, rounded up.</summary>
    public static long BucketOf(DateTime dueAt) => (long)Math.Ceiling((dueAt - DateTime.UnixEpoch).TotalSeconds);

    public async Task ArmAsync()
    {
        if (_armed)
        {
            return;
        }

        var dueIn = DueAt(this.GetPrimaryKeyLong()) - services.Time.GetUtcNow().UtcDateTime;
        // The period only matters if a sweep is cut short: the reminder is removed after its first full sweep.
        await this.RegisterOrUpdateReminder(Reminder, dueIn > TimeSpan.Zero ? dueIn : TimeSpan.Zero, TimeSpan.FromMinutes(1));
        _armed = true;
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        var bucket = this.GetPrimaryKeyLong();
        var end = DueAt(bucket);
        var woken = new HashSet<string>(StringComparer.Ordinal);
        while (true)
        {
            // Each wake-up returns once the instance has committed what it took, so its timer is gone before the next read;
            // a read that finds only instances already woken is one of instances that cannot move now.
            var due = await services.Store.FindOverdueInstancesAsync(end.AddTicks(1), SweepBatch, CancellationToken.None, end.AddSeconds(-1));
            var fresh = due.Where(woken.Add).ToList();
            if (fresh.Count == 0)
            {
                break;
            }

            await Parallel.ForEachAsync(fresh, new ParallelOptions { MaxDegreeOfParallelism = WakeConcurrency },
                async (id, _) => await grains.WakeInstanceAsync(id, services.Logger));
        }

        if (await this.GetReminder(Reminder) is { } reminder)
        {
            await this.UnregisterReminder(reminder);
        }

        _armed = false;
        Log.TimerBucketSwept(services.Logger, end, woken.Count);
        DeactivateOnIdle();
    }
}
