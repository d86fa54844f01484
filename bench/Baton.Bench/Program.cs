using System.Diagnostics;
using Baton.Silo.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Hosting;
using static Baton.Bench.Measure;

namespace Baton.Bench;

/// <summary>
/// Baton's benchmarks, on fresh SQLite files with the default (synced) durability. Prints one line per figure:
/// <c>bench=name value=number unit=unit</c>. Usage: <c>dotnet run -c Release --project bench/Baton.Bench [-- --quick] [--no-http]</c>, or
/// <c>[-- --waiting N [--fire]]</c> for the cost of N instances waiting on a one-day timer once they are collected (with
/// <c>--fire</c>, on a timer due minutes later, and how late they all fire), or
/// <c>[-- --postgres CONNECTION [--silos N]]</c> for the cluster on PostgreSQL with 1 to N (default 3) silo processes, or
/// <c>[-- --dashboard [N]]</c> for the dashboard's queries over a store of N (default 200,000) instances; <c>--allocations</c>
/// prints what the throughput run allocates, by type.
/// </summary>
internal static class Program
{
    private const int InFlight = 50;

    /// <summary>
    /// How long a process runs workflows before it is measured. Its JIT tiers the hot paths up in the background for
    /// seconds: measured after 3,000 workflows (2 s), the throughput run still gave a third of its CPU to the JIT.
    /// </summary>
    internal static readonly TimeSpan WarmUpTime = TimeSpan.FromSeconds(12);

    private static async Task Main(string[] args)
    {
        var quick = args.Contains("--quick");
        if (Option(args, "--postgres") is { } postgres)
        {
            if (args.Contains("--serve-silo"))
            {
                await PostgresCluster.ServeAsync(postgres, Option(args, "--schema")!);
                return;
            }

            await PostgresCluster.RunAsync(postgres, quick, int.Parse(Option(args, "--silos") ?? "3", System.Globalization.CultureInfo.InvariantCulture), !args.Contains("--no-listing"));
            return;
        }

        var directory = Path.Combine(Path.GetTempPath(), "baton-bench", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        try
        {
            var commit = SyncedCommitMilliseconds(directory);
            Report("synced_commit", commit, "ms");

            if (args.Contains("--dashboard"))
            {
                var size = Option(args, "--dashboard") is { } n && int.TryParse(n, out var parsed) ? parsed : 200_000;
                await DashboardScenario.RunAsync(directory, size);
                return;
            }

            if (Option(args, "--waiting") is { } waiting)
            {
                await WaitingAsync(directory, int.Parse(waiting, System.Globalization.CultureInfo.InvariantCulture), args.Contains("--fire"));
                return;
            }

            if (!args.Contains("--http-only"))
            {
                await InProcessAsync(directory, quick, args.Contains("--allocations"));
            }

            if (!args.Contains("--no-http"))
            {
                await OverHttpAsync(directory, quick);
            }
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private static async Task InProcessAsync(string directory, bool quick, bool allocations)
    {
        var workflows = quick ? 1000 : 10_000;
        var builder = Host.CreateApplicationBuilder(BatonNodeExtensions.NodeArguments([]));
        builder.Logging.ClearProviders();
        builder.UseOrleans(silo => silo
            .UseLocalhostClustering(21111, 0)
            .AddBaton()
            .UseSqliteStore(s => s.Path = Path.Combine(directory, "bench.db"))
            .AddWorkflow<FiveSteps>().AddWorkflow<FanOut>().AddActivity<Increment>());

        using var host = builder.Build();
        await host.StartAsync();
        var client = host.Services.GetRequiredService<IWorkflowClient>();
        var self = Process.GetCurrentProcess();
        try
        {
            // Warm-up: the SQLite page cache, and the JIT, which goes on tiering the hot paths up in the background for seconds.
            await Scenarios.WarmUp(quick ? TimeSpan.FromSeconds(2) : WarmUpTime, () => Scenarios.RunFiveStepWorkflows(client, 500, InFlight));
            await Scenarios.RunOne(client, nameof(FanOut), 1000);

            using (var rss = new PeakRss(self))
            {
                var cpu = CpuTime(self);
                var allocated = GC.GetTotalAllocatedBytes(precise: true);
                var collections = GC.CollectionCount(0);
                var writer = ((Baton.Silo.Storage.Sqlite.SqliteWorkflowStore)host.Services.GetRequiredService<Baton.Grains.Storage.IWorkflowStore>()).Writer;
                var (commits, writes, written) = (writer.Commits, writer.Writes, BytesWritten());
                using var sampler = allocations ? new AllocationSampler() : null;
                var elapsed = await Scenarios.RunFiveStepWorkflows(client, workflows, InFlight);
                sampler?.Print(workflows);
                var used = CpuTime(self) - cpu;
                allocated = GC.GetTotalAllocatedBytes(precise: true) - allocated;
                collections = GC.CollectionCount(0) - collections;
                Report("five_step_workflows_per_second", workflows / elapsed.TotalSeconds, "workflows/s");
                Report("five_step_cpu_per_workflow", used.TotalMilliseconds / workflows, "ms");
                Report("five_step_allocated_per_workflow", allocated / 1024.0 / workflows, "KB");
                Report("five_step_gen0_collections", collections, "collections");
                Report("five_step_writes_per_commit", (writer.Writes - writes) / (double)Math.Max(1, writer.Commits - commits), "writes");
                Report("five_step_disk_written_per_workflow", (BytesWritten() - written) / 1024.0 / workflows, "KB");
                Report("activity_steps_per_second", workflows * 5 / elapsed.TotalSeconds, "steps/s");
                Report("peak_rss_throughput", rss.Megabytes, "MB");
            }

            // One five-step workflow is six turns in sequence (start, then one per result), each ending in a synced commit. A
            // synced commit's time drifts by half over minutes on a shared machine, so the floor is measured around the run.
            var commitBefore = SyncedCommitMilliseconds(directory);
            var latencies = await Scenarios.Latencies(quick ? 100 : 500, () => Scenarios.RunOne(client, nameof(FiveSteps), 0));
            var floor = 6 * (commitBefore + SyncedCommitMilliseconds(directory)) / 2;
            Report("five_step_latency_floor", floor, "ms");
            Report("five_step_latency_p50", Percentile(latencies, 0.50), "ms");
            Report("five_step_latency_p95", Percentile(latencies, 0.95), "ms");
            Report("five_step_latency_p50_over_floor", Percentile(latencies, 0.50) / floor, "x");

            Report("fan_out_1000", (await Scenarios.RunOne(client, nameof(FanOut), 1000)).TotalMilliseconds, "ms");
            Report("fan_out_10000", (await Scenarios.RunOne(client, nameof(FanOut), 10_000)).TotalMilliseconds, "ms");
            if (!quick)
            {
                Report("fan_out_100000", (await Scenarios.RunOne(client, nameof(FanOut), 100_000)).TotalMilliseconds, "ms");
            }
        }
        finally
        {
            await host.StopAsync();
        }
    }

    /// <summary>
    /// Starts <paramref name="count"/> instances that wait a day, lets Orleans collect them, and measures what they cost;
    /// with <paramref name="fire"/>, their timers are due once they should all be started and collected, and it measures
    /// how late they fire.
    /// </summary>
    private static async Task WaitingAsync(string directory, int count, bool fire)
    {
        var path = Path.Combine(directory, "waiting.db");
        var builder = Host.CreateApplicationBuilder(BatonNodeExtensions.NodeArguments([]));
        builder.Logging.ClearProviders();
        builder.UseOrleans(silo => silo
            .UseLocalhostClustering(21111, 0)
            .AddBaton()
            .UseSqliteStore(s => s.Path = path)
            .AddWorkflow<WaitsUntil>());
        using var host = builder.Build();
        await host.StartAsync();
        var client = host.Services.GetRequiredService<IWorkflowClient>();
        var management = host.Services.GetRequiredService<IGrainFactory>().GetGrain<Orleans.Runtime.IManagementGrain>(0);
        var self = Process.GetCurrentProcess();
        try
        {
            var next = 0;
            var watch = Stopwatch.StartNew();
            // Starting runs at a few thousand a second here, and collecting takes as long again: due after both, with a margin.
            var dueAt = fire ? DateTime.UtcNow + TimeSpan.FromSeconds(60 + count / 1500.0) : DateTime.UtcNow.AddDays(1);
            await Task.WhenAll(Enumerable.Range(0, 200).Select(async _ =>
            {
                while (Interlocked.Increment(ref next) <= count)
                {
                    await client.StartAsync(nameof(WaitsUntil), dueAt);
                }
            }));
            Report("waiting_starts_per_second", count / watch.Elapsed.TotalSeconds, "instances/s");

            // Orleans collects idle grains after IdleTimeout; force it now, and wait until none is left.
            var deadline = DateTime.UtcNow.AddMinutes(10);
            while (true)
            {
                try
                {
                    await management.ForceActivationCollection(TimeSpan.Zero);
                }
                catch (TimeoutException)
                {
                    // A million activations take longer than one call's 30 seconds to collect; the count below tells.
                }

                var active = (await management.GetSimpleGrainStatistics())
                    .Where(g => g.GrainType.Contains("WorkflowGrain", StringComparison.Ordinal)).Sum(g => g.ActivationCount);
                if (active == 0 || DateTime.UtcNow > deadline)
                {
                    Report("waiting_active_grains", active, "grains");
                    break;
                }

                await Task.Delay(1000);
            }

            // Each collected instance then gives up its owner in a write of its own; measured before those writes are through,
            // the heap still holds what they carry (a first run at a million measured 1.2 GB of heap that way).
            while (Unreleased(path) > 0 && DateTime.UtcNow < deadline)
            {
                await Task.Delay(1000);
            }

            Report("waiting_unreleased", Unreleased(path), "instances");
            GC.Collect(2, GCCollectionMode.Aggressive, blocking: true, compacting: true);
            GC.WaitForPendingFinalizers();
            using (var rss = new PeakRss(self))
            {
                Report("waiting_node_rss", rss.Megabytes, "MB");
            }

            Report("waiting_managed_heap", GC.GetTotalMemory(forceFullCollection: true) / (1024.0 * 1024.0), "MB");
            var disk = new[] { path, path + "-wal", path + "-shm" }.Where(File.Exists).Sum(f => new FileInfo(f).Length);
            Report("waiting_disk_per_instance", disk / (double)count, "bytes");
            if (fire)
            {
                await FiringAsync(client, count, dueAt, self);
            }
        }
        finally
        {
            await host.StopAsync();
        }
    }

    /// <summary>Waits for every instance's timer to fire and its instance to finish, and reports how late they were.</summary>
    private static async Task FiringAsync(IWorkflowClient client, int count, DateTime dueAt, Process self)
    {
        Report("firing_margin_before_due", (dueAt - DateTime.UtcNow).TotalSeconds, "s");
        using var rss = new PeakRss(self);
        var deadline = dueAt.AddMinutes(15);
        long completed;
        while ((completed = (await client.CountByStatusAsync(new WorkflowQuery())).GetValueOrDefault(WorkflowRuntimeStatus.Completed)) < count
            && DateTime.UtcNow < deadline)
        {
            await Task.Delay(250);
        }

        Report("firing_all_finished_after_due", (DateTime.UtcNow - dueAt).TotalSeconds, "s");
        Report("firing_completed", completed, "instances");
        Report("firing_peak_rss", rss.Megabytes, "MB");
        var lateness = new List<double>(count);
        string? token = null;
        do
        {
            var page = await client.ListAsync(new WorkflowQuery { Statuses = [WorkflowRuntimeStatus.Completed], PageSize = 1000, ContinuationToken = token });
            lateness.AddRange(page.Items.Select(s => s.ReadOutput<double>()));
            token = page.ContinuationToken;
        }
        while (token is not null);

        if (lateness.Count == 0)
        {
            return;
        }

        lateness.Sort();
        Report("firing_lateness_p50", lateness[lateness.Count / 2], "ms");
        Report("firing_lateness_p99", lateness[(int)(lateness.Count * 0.99)], "ms");
        Report("firing_lateness_max", lateness[^1], "ms");
    }

    /// <summary>Instances of the SQLite file at <paramref name="path"/> that still name an owning silo.</summary>
    private static long Unreleased(string path)
    {
        using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={path};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT count(*) FROM instances WHERE owner IS NOT NULL";
        return (long)command.ExecuteScalar()!;
    }

    private static string? Option(string[] args, string name)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
    }

    private static async Task OverHttpAsync(string directory, bool quick)
    {
        var workflows = quick ? 500 : 10_000;
        // For each kind of request, the whole warm-up: the node is a fresh process too, with more code to tier up than the
        // in-process run (ASP.NET Core, Kestrel, the JSON of the API); profiled after 12 s, its tiering thread still took
        // a third of its CPU.
        var warmUp = quick ? TimeSpan.FromSeconds(2) : WarmUpTime;
        using var node = await ApiNode.StartAsync(Path.Combine(directory, "node"), 21180, 21112);
        using var http = new HttpClient { BaseAddress = node.Address, Timeout = TimeSpan.FromSeconds(60) };
        var client = new Baton.Client.HttpWorkflowClient(new HttpClient(), new Baton.Client.BatonClientOptions { BaseAddress = node.Address });

        await Scenarios.WarmUp(warmUp, () => Scenarios.RunOverRawRoute(http, 500, InFlight));
        await Scenarios.WarmUp(warmUp, () => Scenarios.RunFiveStepWorkflows(client, 500, InFlight, Scenarios.GreetingChain));

        var cpu = CpuTime(node.Process);
        var elapsed = await Scenarios.RunOverRawRoute(http, workflows, InFlight);
        var used = CpuTime(node.Process) - cpu;
        Report("http_route_workflows_per_second", workflows / elapsed.TotalSeconds, "workflows/s");
        Report("http_route_node_cpu_per_workflow", used.TotalMilliseconds / workflows, "ms");

        cpu = CpuTime(node.Process);
        elapsed = await Scenarios.RunFiveStepWorkflows(client, workflows, InFlight, Scenarios.GreetingChain);
        used = CpuTime(node.Process) - cpu;
        Report("http_client_workflows_per_second", workflows / elapsed.TotalSeconds, "workflows/s");
        Report("http_client_node_cpu_per_workflow", used.TotalMilliseconds / workflows, "ms");

        var latencies = await Scenarios.Latencies(quick ? 100 : 300, () => Scenarios.RunOverRawRoute(http, 1, 1));
        Report("http_route_latency_p50", Percentile(latencies, 0.50), "ms");
        Report("http_route_latency_p95", Percentile(latencies, 0.95), "ms");
    }
}
