using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Baton.Silo.Tests;

/// <summary>
/// What an OpenTelemetry SDK receives from the engine: spans for client calls, turns and activity attempts, linked into one
/// trace; the workflow and activity metrics; and log lines that carry the instance and step. Other tests run in this
/// process at the same time, so the checks pick this test's instances out by id and count metrics as "at least".
/// </summary>
public sealed class TelemetryTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task AWorkflowRun_IsOneTrace_OfItsClientCall_ItsTurns_AndItsActivityAttempts()
    {
        var spans = new List<Activity>();
        using var tracing = Sdk.CreateTracerProviderBuilder()
            .AddSource(BatonTelemetry.ActivitySourceNames)
            .AddInMemoryExporter(spans)
            .Build();
        await using var silo = await TestSilo.StartAsync(register: b => b.AddWorkflow<TracedWorkflow>().AddActivity<FlakyOnce>());

        var id = await silo.Client.StartAsync(nameof(TracedWorkflow), 3);
        Assert.Equal(WorkflowRuntimeStatus.Completed, (await silo.Client.WaitForCompletionAsync(id, Wait)).RuntimeStatus);
        tracing.ForceFlush();

        List<Activity> mine;
        lock (spans)
        {
            mine = spans.Where(s => (string?)s.GetTagItem("baton.instance_id") == id).ToList();
        }

        var start = Assert.Single(mine, s => s.DisplayName == "client start");
        var turns = mine.Where(s => s.DisplayName == $"turn {nameof(TracedWorkflow)}").ToList();
        var attempts = mine.Where(s => s.DisplayName == $"activity {nameof(FlakyOnce)}").ToList();
        Assert.NotEmpty(turns);
        Assert.Equal(4, attempts.Count); // three items, one of them retried once
        Assert.All(turns.Concat(attempts), s => Assert.Equal(start.TraceId, s.TraceId));
        Assert.All(attempts, a => Assert.Contains(turns, t => t.SpanId == a.ParentSpanId));
        Assert.Contains(attempts, a => (string?)a.GetTagItem("baton.outcome") == "failed" && a.Status == ActivityStatusCode.Error);
        Assert.Equal(3, attempts.Count(a => (string?)a.GetTagItem("baton.outcome") == "completed"));
    }

    [Fact]
    public async Task TheEngine_CountsStartsCompletionsFailuresRetries_AndTimesTurnsAndAttempts()
    {
        var metrics = new List<Metric>();
        using var metering = Sdk.CreateMeterProviderBuilder().AddMeter(BatonTelemetry.MeterName).AddInMemoryExporter(metrics).Build();
        await using var silo = await TestSilo.StartAsync(register: b => b.AddWorkflow<TracedWorkflow>().AddActivity<FlakyOnce>());

        var done = await silo.Client.StartAsync(nameof(TracedWorkflow), 2);
        var failed = await silo.Client.StartAsync(nameof(TracedWorkflow), -1);
        await silo.Client.WaitForCompletionAsync(done, Wait);
        await silo.Client.WaitForCompletionAsync(failed, Wait);
        metering.ForceFlush();

        Assert.True(Sum(metrics, BatonTelemetry.Starts, nameof(TracedWorkflow)) >= 2);
        Assert.True(Sum(metrics, BatonTelemetry.Completions, nameof(TracedWorkflow), ("baton.status", "Completed")) >= 1);
        Assert.True(Sum(metrics, BatonTelemetry.Completions, nameof(TracedWorkflow), ("baton.status", "Failed")) >= 1);
        Assert.True(Sum(metrics, BatonTelemetry.Failures, nameof(TracedWorkflow)) >= 1);
        Assert.True(Sum(metrics, BatonTelemetry.ActivityRetries, null, ("baton.activity", nameof(FlakyOnce))) >= 1);
        Assert.True(Sum(metrics, BatonTelemetry.TurnDuration, nameof(TracedWorkflow)) >= 2);
        Assert.True(Sum(metrics, BatonTelemetry.ActivityDuration, null, ("baton.activity", nameof(FlakyOnce)), ("baton.outcome", "completed")) >= 2);
        Assert.Contains(metrics, m => m.Name == BatonTelemetry.QueueDepth);
    }

    [Fact]
    public async Task LogLines_InAnActivity_CarryTheInstanceAndTheStep()
    {
        var logs = new CapturingLoggerProvider();
        await using var silo = await TestSilo.StartAsync(
            register: b => b.AddWorkflow<TracedWorkflow>().AddActivity<FlakyOnce>(),
            services: s => s.AddLogging(l => l.AddProvider(logs)));

        var id = await silo.Client.StartAsync(nameof(TracedWorkflow), 1);
        await silo.Client.WaitForCompletionAsync(id, Wait);

        var line = Assert.Single(logs.Lines, l => l.Message.StartsWith("squaring", StringComparison.Ordinal) && Equals(l.Fields.GetValueOrDefault("InstanceId"), id));
        Assert.Equal(nameof(FlakyOnce), line.Fields["Activity"]);
        Assert.IsType<int>(line.Fields["StepId"]);
    }

    /// <summary>Sums a counter's points, or counts a histogram's measurements, for a workflow (and other tags).</summary>
    private static long Sum(List<Metric> metrics, string name, string? workflow, params (string Key, string Value)[] tags)
    {
        long total = 0;
        foreach (var metric in metrics.Where(m => m.Name == name))
        {
            foreach (ref readonly var point in metric.GetMetricPoints())
            {
                var found = new Dictionary<string, object?>();
                foreach (var tag in point.Tags)
                {
                    found[tag.Key] = tag.Value;
                }

                if (workflow is not null && !Equals(found.GetValueOrDefault("baton.workflow"), workflow) || tags.Any(t => !Equals(found.GetValueOrDefault(t.Key), t.Value)))
                {
                    continue;
                }

                total += metric.MetricType == MetricType.Histogram ? point.GetHistogramCount() : point.GetSumLong();
            }
        }

        return total;
    }

    /// <summary>Each log line with the fields of the scopes it was written in.</summary>
    private sealed class CapturingLoggerProvider : ILoggerProvider, ISupportExternalScope
    {
        private IExternalScopeProvider _scopes = new LoggerExternalScopeProvider();

        public ConcurrentQueue<(string Message, Dictionary<string, object?> Fields)> Lines { get; } = new();

        public ILogger CreateLogger(string categoryName) => new Logger(this);

        public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;

        public void Dispose()
        {
        }

        private sealed class Logger(CapturingLoggerProvider owner) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => owner._scopes.Push(state);

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                var fields = new Dictionary<string, object?>();
                owner._scopes.ForEachScope((scope, into) =>
                {
                    if (scope is IEnumerable<KeyValuePair<string, object?>> pairs)
                    {
                        foreach (var (key, value) in pairs)
                        {
                            into[key] = value;
                        }
                    }
                }, fields);
                owner.Lines.Enqueue((formatter(state, exception), fields));
            }
        }
    }
}

/// <summary>Squares 1..n in parallel and sums them; a negative n fails. The first attempt of each instance's item 2 fails and is retried.</summary>
public sealed class TracedWorkflow : Workflow<int, int>
{
    public override async Task<int> RunAsync(IWorkflowContext context, int n)
    {
        if (n < 0)
        {
            throw new InvalidOperationException("a negative count");
        }

        var options = new ActivityOptions { Retry = new RetryPolicy { MaxAttempts = 3, FirstRetryInterval = TimeSpan.FromMilliseconds(10) } };
        var squares = await Task.WhenAll(Enumerable.Range(1, n).Select(i => context.CallActivityAsync<int>(nameof(FlakyOnce), new SquareCall(context.InstanceId, i), options)));
        return squares.Sum();
    }
}

/// <summary>Squares its index, logging as it does; fails the first time it meets index 2 of an instance.</summary>
public sealed class FlakyOnce(ILogger<FlakyOnce> logger) : Activity<SquareCall, int>
{
    private static readonly ConcurrentDictionary<string, bool> Failed = new();

    public override Task<int> RunAsync(ActivityContext context, SquareCall call)
    {
        logger.LogInformation("squaring {Index}", call.Index);
        if (call.Index == 2 && Failed.TryAdd(call.InstanceId, true))
        {
            throw new InvalidOperationException("a transient failure");
        }

        return Task.FromResult(call.Index * call.Index);
    }
}
