namespace Baton;

/// <summary>Options of a Baton silo. Validated at start-up; an invalid value stops the host with a message naming it.</summary>
public sealed class BatonOptions
{
    /// <summary>How many activities this silo's workers run at once. Default: 64.</summary>
    public int MaxConcurrentActivities { get; set; } = 64;

    /// <summary>The activity queues this silo's workers serve. Default: <c>["default"]</c>.</summary>
    public IList<string> ActivityQueues { get; set; } = [ActivityOptions.DefaultQueue];

    /// <summary>
    /// How often workers look in the store for activities that no live silo holds: on queues whose instances live on a
    /// silo that does not serve them, or left by a silo that died. Default: 1 second.
    /// </summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How often each silo looks for unfinished instances with pending work whose silo has died, and wakes them (it also
    /// looks at start and whenever the cluster's membership changes). Default: 10 seconds.
    /// </summary>
    public TimeSpan RecoveryInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long a workflow grain with nothing to do stays in memory before Orleans collects it. Default: 2 minutes.</summary>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// Waits longer than this are carried by an Orleans reminder, so that the grain can be collected while it waits;
    /// shorter ones by a timer in memory that keeps the grain active. Default: 1 minute.
    /// </summary>
    public TimeSpan ReminderThreshold { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>The most inputs (starts, results, messages) a workflow grain takes into one turn. Default: 1,000.</summary>
    public int MaxBatchSize { get; set; } = 1000;

    /// <summary>Payloads (inputs, outputs, results, event data) above this many UTF-8 bytes are stored once as payload rows and referenced from history. Default: 64 KiB.</summary>
    public int LargePayloadThreshold { get; set; } = 64 * 1024;

    /// <summary>
    /// Keys that encrypt payloads at rest (AES-256-GCM), by name: each the base64 of 32 random bytes. Empty (the default):
    /// payloads are stored as they are. Keep every key that encrypted something: a payload names the key it needs.
    /// </summary>
    public IDictionary<string, string> PayloadKeys { get; set; } = new Dictionary<string, string>();

    /// <summary>The key of <see cref="PayloadKeys"/> that new payloads are encrypted with; null for none (the others still decrypt).</summary>
    public string? ActivePayloadKey { get; set; }

    /// <summary>The largest payload accepted; a larger one is refused with <see cref="PayloadTooLargeException"/>. Default: 16 MiB.</summary>
    public long MaxPayloadBytes { get; set; } = Baton.Grains.Replay.PayloadLimit.DefaultMaxBytes;

    /// <summary>
    /// How long status events stay in the log for server-sent event clients to catch up on after a reconnect. An event a
    /// configured webhook has not yet received is kept however old. The log holds about three rows per workflow
    /// (pending, running, finished), so at thousands of workflows a second keep this short. Default: 10 minutes.
    /// </summary>
    public TimeSpan StatusEventRetention { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// Cluster-wide limits by activity name (case-insensitive): concurrency and starts per second, honoured across every
    /// silo and after any of them dies. Empty (the default): no limits. Configuration: <c>Baton:ActivityLimits:{name}:MaxConcurrent</c>,
    /// <c>…:PerSecond</c>.
    /// </summary>
    public IDictionary<string, ActivityLimit> ActivityLimits { get; set; } = new Dictionary<string, ActivityLimit>(StringComparer.OrdinalIgnoreCase);

    /// <summary>Cluster-wide limits by activity queue, as <see cref="ActivityLimits"/>; an activity under both waits for both. Default: none.</summary>
    public IDictionary<string, ActivityLimit> QueueLimits { get; set; } = new Dictionary<string, ActivityLimit>(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// Namespaces (task hubs) beside <see cref="WorkflowNamespaces.Default"/>, by name (case-insensitive): each with its own
    /// instances, workflows and limits on this store and cluster. Empty (the default): the default namespace only.
    /// Configuration: <c>Baton:Namespaces:{name}:Workflows:0</c>, <c>…:ActivityLimits:{activity}:MaxConcurrent</c>, …
    /// </summary>
    public IDictionary<string, NamespaceOptions> Namespaces { get; set; } = new Dictionary<string, NamespaceOptions>(StringComparer.OrdinalIgnoreCase);

    internal void Validate()
    {
        RequireLimits(nameof(ActivityLimits), ActivityLimits);
        RequireLimits(nameof(QueueLimits), QueueLimits);
        foreach (var (name, space) in Namespaces)
        {
            Require(WorkflowNamespaces.IsValid(name) && !string.Equals(name, WorkflowNamespaces.Default, StringComparison.OrdinalIgnoreCase), nameof(Namespaces),
                $"must name each namespace with {WorkflowNamespaces.Rule}, other than '{WorkflowNamespaces.Default}' ('{name}')");
            Require(space.Workflows.All(w => !string.IsNullOrWhiteSpace(w)), $"Namespaces.{name}.Workflows", "must list non-empty names");
            RequireLimits($"Namespaces.{name}.ActivityLimits", space.ActivityLimits);
            RequireLimits($"Namespaces.{name}.QueueLimits", space.QueueLimits);
        }

        Require(StatusEventRetention > TimeSpan.Zero, nameof(StatusEventRetention), "must be positive");
        Require(LargePayloadThreshold >= 1024, nameof(LargePayloadThreshold), "must be at least 1 KiB");
        Require(MaxPayloadBytes >= LargePayloadThreshold && MaxPayloadBytes <= 1L << 30, nameof(MaxPayloadBytes), "must be at least LargePayloadThreshold and at most 1 GiB");
        Require(PayloadKeys.All(k => System.Text.RegularExpressions.Regex.IsMatch(k.Key, "^[A-Za-z0-9_-]{1,64}$") && IsKey(k.Value)), nameof(PayloadKeys),
            "must name each key with 1 to 64 letters, digits, - or _, and give it as the base64 of 32 bytes");
        Require(ActivePayloadKey is null || PayloadKeys.ContainsKey(ActivePayloadKey), nameof(ActivePayloadKey), "must be one of PayloadKeys");
        Require(MaxConcurrentActivities is >= 1 and <= 100_000, nameof(MaxConcurrentActivities), "must be between 1 and 100,000");
        Require(ActivityQueues is not null && ActivityQueues.All(q => !string.IsNullOrWhiteSpace(q)), nameof(ActivityQueues), "must list non-empty queue names");
        Require(RecoveryInterval > TimeSpan.Zero, nameof(RecoveryInterval), "must be positive");
        Require(PollInterval > TimeSpan.Zero, nameof(PollInterval), "must be positive");
        Require(IdleTimeout > TimeSpan.Zero, nameof(IdleTimeout), "must be positive");
        Require(ReminderThreshold > TimeSpan.Zero, nameof(ReminderThreshold), "must be positive");
        Require(MaxBatchSize is >= 1 and <= 100_000, nameof(MaxBatchSize), "must be between 1 and 100,000");
    }

    private static void Require(bool condition, string option, string rule)
    {
        if (!condition)
        {
            throw new InvalidOperationException($"BatonOptions.{option} {rule}.");
        }
    }

    private static void RequireLimits(string option, IDictionary<string, ActivityLimit> limits) =>
        Require(limits.All(l => !string.IsNullOrWhiteSpace(l.Key) && (l.Value.MaxConcurrent is not null || l.Value.PerSecond is not null)
                && l.Value.MaxConcurrent is null or >= 1 and <= 1_000_000 && l.Value.PerSecond is null or > 0 and <= 100_000),
            option, "must give each name a MaxConcurrent (1 to 1,000,000), a PerSecond (above 0, at most 100,000) or both");


    private static bool IsKey(string base64)
    {
        var bytes = new byte[48];
        return Convert.TryFromBase64String(base64, bytes, out var length) && length == 32;
    }
}
