namespace Baton;

/// <summary>
/// The names under which Baton reports traces and metrics (System.Diagnostics, so any OpenTelemetry SDK collects them):
/// subscribe to <see cref="ActivitySourceName"/> and <see cref="MeterName"/>.
/// </summary>
/// <remarks>
/// Spans: <c>turn {workflow}</c> per workflow turn (its parent is the call that brought the turn's first input, the
/// others' calls are links), <c>activity {name}</c> per activity attempt (a child of the turn that scheduled it), and
/// <c>client {operation}</c> per client call. Each carries <c>baton.instance_id</c>, and <c>baton.workflow</c> or
/// <c>baton.activity</c>. Metrics: see the instrument names below.
/// </remarks>
public static class BatonTelemetry
{
    /// <summary>The ActivitySource of Baton's spans.</summary>
    public const string ActivitySourceName = "Baton";

    /// <summary>
    /// Every source a tracer needs for Baton's traces to join up: Baton's own and Orleans' (whose grain-call spans carry a
    /// caller's trace into the turns its call brings; without them, each turn starts a trace of its own).
    /// </summary>
    public static readonly string[] ActivitySourceNames = [ActivitySourceName, "Microsoft.Orleans.Runtime", "Microsoft.Orleans.Application"];

    /// <summary>The Meter of Baton's metrics.</summary>
    public const string MeterName = "Baton";

    /// <summary>Counter: instances started (tag <c>baton.workflow</c>).</summary>
    public const string Starts = "baton.workflow.starts";

    /// <summary>Counter: instances that finished (tags <c>baton.workflow</c>, <c>baton.status</c>: Completed, Failed, Terminated, ContinuedAsNew).</summary>
    public const string Completions = "baton.workflow.completions";

    /// <summary>Counter: instances that failed (tag <c>baton.workflow</c>).</summary>
    public const string Failures = "baton.workflow.failures";

    /// <summary>Histogram, milliseconds: one workflow turn, from taking its inputs to its commit (tag <c>baton.workflow</c>).</summary>
    public const string TurnDuration = "baton.workflow.turn.duration";

    /// <summary>Histogram, milliseconds: one activity attempt (tags <c>baton.activity</c>, <c>baton.outcome</c>: completed or failed).</summary>
    public const string ActivityDuration = "baton.activity.duration";

    /// <summary>Counter: activity attempts retried by their retry policy (tag <c>baton.activity</c>).</summary>
    public const string ActivityRetries = "baton.activity.retries";

    /// <summary>Gauge: activity work items queued or running on a silo (tag <c>baton.silo</c>).</summary>
    public const string QueueDepth = "baton.activity.queue_depth";
}
