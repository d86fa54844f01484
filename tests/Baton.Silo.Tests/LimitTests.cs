using System.Collections.Concurrent;
using Baton.Grains;
using Baton.Silo.Hosting;
using Baton.TestingHost;
using Xunit.Abstractions;

namespace Baton.Silo.Tests;

/// <summary>
/// Cluster-wide activity limits, offered ten times the load they allow: starts stay spaced to the rate, and executions
/// at once stay within the concurrency, over several silos and across the death of one.
/// </summary>
public sealed class LimitTests(ITestOutputHelper output)
{
    [Fact]
    public async Task ARateLimit_HoldsUnderTenTimesItsLoad_AcrossTwoSilos()
    {
        const double rate = 8;
        const int items = 40; // offered at once: five seconds' worth at the limit, ten times a half-second's
        var run = Guid.NewGuid().ToString("N");
        await using var cluster = await BatonTestCluster.StartAsync(TestSilo.Options(
            silos: 2,
            options: o => o.ActivityLimits[nameof(TimedPing)] = new ActivityLimit { PerSecond = rate },
            register: b => b.AddWorkflow<PingFanOut>().AddActivity<TimedPing>()));

        var ids = await Task.WhenAll(Enumerable.Range(0, 4).Select(k =>
            cluster.Client.StartAsync(nameof(PingFanOut), new PingPlan(run, items / 4, 0), new StartWorkflowOptions { InstanceId = $"rate-{run}-{k}" })));
        foreach (var id in ids)
        {
            await cluster.WaitForStatusAsync(id, WorkflowRuntimeStatus.Completed, TimeSpan.FromSeconds(60));
        }

        var starts = TimedPing.Runs(run).Select(r => r.Start).Order().ToList();
        Assert.Equal(items, starts.Count);
        var busiest = starts.Select(s => starts.Count(t => t >= s && t < s + TimeSpan.FromSeconds(1))).Max();
        var span = starts[^1] - starts[0];
        output.WriteLine($"{items} starts over {span.TotalSeconds:N2} s; the busiest second had {busiest}; silos used: {TimedPing.Runs(run).Select(r => r.Silo).Distinct().Count()}");
        // Starts are spaced 1/rate apart; a start's own scheduling delay can bring the next one up to that much closer.
        Assert.InRange(busiest, 1, (int)rate + 1);
        Assert.True(span >= TimeSpan.FromSeconds((items - 1) / rate * 0.95), $"{items} starts took only {span.TotalSeconds:N2} s");
    }

    [Fact]
    public async Task AConcurrencyLimitOnAQueue_HoldsAcrossSilos_AndAcrossTheKillOfOne()
    {
        const int max = 2;
        var run = Guid.NewGuid().ToString("N");
        void Limits(BatonOptions o) => o.QueueLimits["limited"] = new ActivityLimit { MaxConcurrent = max };
        await using var cluster = await BatonTestCluster.StartAsync(TestSilo.Options(
            options: Limits,
            register: b => b.AddWorkflow<PingFanOut>().AddActivity<TimedPing>()));
        // Two workers serve the limited queue; the first silo only hosts the workflows, and stays up.
        BatonTestSilo[] workers = [await cluster.AddSiloAsync(o => o.ActivityQueues = ["limited"]), await cluster.AddSiloAsync(o => o.ActivityQueues = ["limited"])];

        var ids = await Task.WhenAll(Enumerable.Range(0, 4).Select(k =>
            cluster.Client.StartAsync(nameof(PingFanOut), new PingPlan(run, 5, 700, "limited"), new StartWorkflowOptions { InstanceId = $"conc-{run}-{k}" })));
        // The victim is a worker in the middle of a run: it dies holding a permit.
        TimedPing.Execution? running = null;
        await Eventually.WaitUntil(() => Task.FromResult((running = TimedPing.Runs(run).FirstOrDefault(r => r.End is null)) is not null), TimeSpan.FromSeconds(60));
        await cluster.KillSiloAsync(workers.Single(w => w.Address.ToString() == running!.Silo));

        foreach (var id in ids)
        {
            await cluster.WaitForStatusAsync(id, WorkflowRuntimeStatus.Completed, TimeSpan.FromSeconds(90));
        }

        // Every run's real span, those the kill cut off included (an in-process silo's kill cancels its activities).
        var runs = TimedPing.Runs(run);
        var intervals = runs.Select(r => (r.Start, End: r.End!.Value)).ToList();
        var mostAtOnce = intervals.Select(i => intervals.Count(j => j.Start <= i.Start && j.End > i.Start)).Max();
        output.WriteLine($"{runs.Count} runs ({runs.Count(r => r.CutOff)} cut off by the kill); at most {mostAtOnce} at once");
        var t0 = runs.Min(r => r.Start);
        foreach (var r in runs.OrderBy(r => r.Start))
        {
            output.WriteLine($"  {r.Key} on {r.Silo}: {(r.Start - t0).TotalMilliseconds:N0}–{(r.End!.Value - t0).TotalMilliseconds:N0} ms{(r.CutOff ? " (cut off)" : "")}");
        }

        Assert.InRange(mostAtOnce, 1, max);
        Assert.True(runs.Any(r => r.CutOff), "The kill cut off no run; the test proves nothing.");
        Assert.Equal(20, runs.Where(r => !r.CutOff).Select(r => r.Key).Distinct().Count());
    }

    [Fact]
    public async Task APermitWhoseHolderStopsRenewing_Lapses_WhileARenewedOneIsKept()
    {
        await using var cluster = await BatonTestCluster.StartAsync(TestSilo.Options());
        var limiter = cluster.Silos[0].Grains.GetGrain<IActivityLimiterGrain>($"activity/LAPSE-{Guid.NewGuid():N}");
        PermitRequest Request(Guid id) => new() { PermitId = id, MaxConcurrent = 1, MaxWait = TimeSpan.FromSeconds(1) };
        var (held, waiting) = (Guid.NewGuid(), Guid.NewGuid());

        // A fresh limiter first listens for a lease to the permits already out; then it grants.
        await Eventually.WaitUntil(async () => (await limiter.AcquireAsync(Request(held))).Granted, TimeSpan.FromSeconds(10));

        // Renewed, the permit stays out: the next request waits through several leases' worth of asking.
        var renewedUntil = DateTime.UtcNow + TimeSpan.FromSeconds(5);
        while (DateTime.UtcNow < renewedUntil)
        {
            await limiter.RenewAsync([held], [waiting], DateTime.MinValue);
            Assert.False((await limiter.AcquireAsync(Request(waiting))).Granted);
        }

        // Its holder gone quiet (a silo that died), it lapses, and the waiting request (still renewed) gets it.
        var granted = false;
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (!granted && DateTime.UtcNow < deadline)
        {
            await limiter.RenewAsync([], [waiting], DateTime.MinValue);
            granted = (await limiter.AcquireAsync(Request(waiting))).Granted;
        }

        Assert.True(granted, "The unrenewed permit never lapsed.");
    }
}

/// <summary>What <see cref="PingFanOut"/> does: its share of pings, how long each takes, and on which queue.</summary>
public sealed record PingPlan(string Run, int Count, int Milliseconds, string Queue = "default");

/// <summary>Runs <see cref="TimedPing"/> for each of its pings at once.</summary>
public sealed class PingFanOut : Workflow<PingPlan, int>
{
    public override async Task<int> RunAsync(IWorkflowContext context, PingPlan plan)
    {
        var pings = Enumerable.Range(0, plan.Count).Select(i => context.CallActivityAsync<int>(
            nameof(TimedPing), new PingRequest(plan.Run, $"{context.InstanceId}/{i}", plan.Milliseconds), new ActivityOptions { Queue = plan.Queue }));
        return (await Task.WhenAll(pings)).Sum();
    }
}

/// <summary>One ping: its run, its key, how long it takes.</summary>
public sealed record PingRequest(string Run, string Key, int Milliseconds);

/// <summary>Records when it started and ended, and on which silo; takes the time it was asked to.</summary>
public sealed class TimedPing(Orleans.Runtime.ILocalSiloDetails silo) : Activity<PingRequest, int>
{
    private static readonly ConcurrentDictionary<string, ConcurrentBag<Execution>> All = new();

    public override async Task<int> RunAsync(ActivityContext context, PingRequest request)
    {
        var execution = new Execution(request.Key, silo.SiloAddress.ToString(), DateTime.UtcNow);
        All.GetOrAdd(request.Run, _ => []).Add(execution);
        try
        {
            await Task.Delay(request.Milliseconds, context.CancellationToken);
            return 1;
        }
        catch (OperationCanceledException)
        {
            execution.CutOff = true; // Its silo is going (or its workflow no longer needs it).
            throw;
        }
        finally
        {
            execution.End = DateTime.UtcNow;
        }
    }

    public static IReadOnlyList<Execution> Runs(string run) => All.TryGetValue(run, out var runs) ? runs.ToList() : [];

    public sealed class Execution(string key, string silo, DateTime start)
    {
        public string Key { get; } = key;

        public string Silo { get; } = silo;

        public DateTime Start { get; } = start;

        public DateTime? End { get; set; }

        public bool CutOff { get; set; }
    }
}
