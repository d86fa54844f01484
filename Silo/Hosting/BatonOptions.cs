namespace Baton.Silo.Hosting;

/// <summary>Options of a Baton silo. Validated at start-up; an invalid value stops the host with a message naming it.</summary>
public sealed class BatonOptions
{
    /// <summary>How many partitions instances hash into. Fixed for the life of a store. Default: 16.</summary>
    public int PartitionCount { get; set; } = 16;

    /// <summary>How many activities this silo runs at once. Default: 64.</summary>
    public int MaxConcurrentActivities { get; set; } = 64;

    /// <summary>The activity queues this silo's workers serve. Default: <c>["default"]</c>.</summary>
    public IList<string> ActivityQueues { get; set; } = [ActivityOptions.DefaultQueue];

    /// <summary>
    /// How long a partition lease (and a silo's claim on its work items) lasts without renewal. After a
    /// crash, a silo's partitions and activities move to others this long after its last heartbeat.
    /// Default: 15 seconds.
    /// </summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>How often partitions and workers look in the store for work that no signal announced. Default: 1 second.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How long an instance with nothing to do stays in memory before it is collected. Default: 2 minutes.</summary>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Timers due within this window are held in memory; later ones stay on disk only. Default: 1 minute.</summary>
    public TimeSpan TimerHorizon { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>The most inputs (starts, results, timers) a partition takes into one round of commits. Default: 1,000.</summary>
    public int MaxBatchSize { get; set; } = 1000;

    /// <summary>Payloads (inputs, outputs, results, event data) above this many UTF-8 bytes are stored once as payload rows and referenced from history. Default: 64 KiB.</summary>
    public int LargePayloadThreshold { get; set; } = 64 * 1024;

    /// <summary>The largest payload accepted; a larger one is refused with <see cref="PayloadTooLargeException"/>. Default: 16 MiB.</summary>
    public long MaxPayloadBytes { get; set; } = Baton.Grains.Replay.PayloadLimit.DefaultMaxBytes;

    /// <summary>
    /// How long status events stay in the log for server-sent event clients to catch up on after a reconnect. An event a
    /// configured webhook has not yet received is kept however old. The log holds about three rows per workflow
    /// (pending, running, finished), so at thousands of workflows a second keep this short. Default: 10 minutes.
    /// </summary>
    public TimeSpan StatusEventRetention { get; set; } = TimeSpan.FromMinutes(10);

    internal void Validate()
    {
        Require(StatusEventRetention > TimeSpan.Zero, nameof(StatusEventRetention), "must be positive");
        Require(LargePayloadThreshold >= 1024, nameof(LargePayloadThreshold), "must be at least 1 KiB");
        Require(MaxPayloadBytes >= LargePayloadThreshold && MaxPayloadBytes <= 1L << 30, nameof(MaxPayloadBytes), "must be at least LargePayloadThreshold and at most 1 GiB");
        Require(PartitionCount is >= 1 and <= 4096, nameof(PartitionCount), "must be between 1 and 4,096");
        Require(MaxConcurrentActivities is >= 1 and <= 100_000, nameof(MaxConcurrentActivities), "must be between 1 and 100,000");
        Require(ActivityQueues is not null && ActivityQueues.All(q => !string.IsNullOrWhiteSpace(q)), nameof(ActivityQueues), "must list non-empty queue names");
        Require(LeaseDuration >= TimeSpan.FromMilliseconds(300), nameof(LeaseDuration), "must be at least 300 ms");
        Require(PollInterval > TimeSpan.Zero, nameof(PollInterval), "must be positive");
        Require(IdleTimeout > TimeSpan.Zero, nameof(IdleTimeout), "must be positive");
        Require(TimerHorizon > TimeSpan.Zero, nameof(TimerHorizon), "must be positive");
        Require(MaxBatchSize is >= 1 and <= 100_000, nameof(MaxBatchSize), "must be between 1 and 100,000");
    }

    private static void Require(bool condition, string option, string rule)
    {
        if (!condition)
        {
            throw new InvalidOperationException($"BatonOptions.{option} {rule}.");
        }
    }
}
