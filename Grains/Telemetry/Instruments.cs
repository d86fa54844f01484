using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Baton.Grains.Telemetry;

/// <summary>
/// Baton's span source and metric instruments (<see cref="BatonTelemetry"/> names them for subscribers). Without a
/// listener, a span is not created and a measurement costs a check.
/// </summary>
internal static class Instruments
{
    public static readonly ActivitySource Source = new(BatonTelemetry.ActivitySourceName);

    private static readonly Meter Meter = new(BatonTelemetry.MeterName);

    public static readonly Counter<long> Starts = Meter.CreateCounter<long>(BatonTelemetry.Starts, "{instance}", "Workflow instances started.");

    public static readonly Counter<long> Completions = Meter.CreateCounter<long>(BatonTelemetry.Completions, "{instance}", "Workflow instances that finished, by final status.");

    public static readonly Counter<long> Failures = Meter.CreateCounter<long>(BatonTelemetry.Failures, "{instance}", "Workflow instances that failed.");

    public static readonly Histogram<double> TurnDuration = Meter.CreateHistogram<double>(BatonTelemetry.TurnDuration, "ms", "One workflow turn, from taking its inputs to its commit.");

    public static readonly Histogram<double> ActivityDuration = Meter.CreateHistogram<double>(BatonTelemetry.ActivityDuration, "ms", "One activity attempt.");

    public static readonly Counter<long> ActivityRetries = Meter.CreateCounter<long>(BatonTelemetry.ActivityRetries, "{attempt}", "Activity attempts retried by their retry policy.");

    // Each silo's activity runner, by silo name, read when the queue-depth gauge is collected.
    private static readonly ConcurrentDictionary<object, (string Silo, Func<int> Depth)> Queues = new();

    static Instruments() =>
        Meter.CreateObservableGauge(BatonTelemetry.QueueDepth, () => Queues.Values.Select(q => new Measurement<int>(q.Depth(), new KeyValuePair<string, object?>("baton.silo", q.Silo))),
            "{item}", "Activity work items queued or running on a silo.");

    /// <summary>Reports a silo's queue depth until <see cref="RemoveQueue"/>.</summary>
    public static void AddQueue(object owner, string silo, Func<int> depth) => Queues[owner] = (silo, depth);

    public static void RemoveQueue(object owner) => Queues.TryRemove(owner, out _);

    /// <summary>A client call's span, or null when nobody listens.</summary>
    public static Activity? StartClientSpan(string operation, string? instanceId)
    {
        if (!Source.HasListeners())
        {
            return null; // before the name is formatted: every client call passes here
        }

        var span = Source.StartActivity($"client {operation}", ActivityKind.Client);
        span?.SetTag("baton.instance_id", instanceId);
        return span;
    }

    public static KeyValuePair<string, object?> Workflow(string name) => new("baton.workflow", name);

    public static KeyValuePair<string, object?> Activity(string name) => new("baton.activity", name);
}
