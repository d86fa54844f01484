using System.Diagnostics;
using System.Globalization;
using Baton;
using Baton.Bench;
using Baton.Silo.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Hosting;

// Baton's benchmarks, on a fresh SQLite file with the default (synced) durability. Prints one line per
// figure: bench=<name> value=<number> unit=<unit>. Usage: dotnet run -c Release --project bench/Baton.Bench [-- --quick]
var quick = args.Contains("--quick");
var workflows = quick ? 1000 : 10_000;
var latencyRuns = quick ? 100 : 500;

var directory = Path.Combine(Path.GetTempPath(), "baton-bench", Guid.NewGuid().ToString("N"));
var builder = Host.CreateApplicationBuilder();
builder.Logging.ClearProviders();
builder.UseOrleans(silo => silo
    .UseLocalhostClustering(21111, 0)
    .AddBaton()
    .UseSqliteStore(s => s.Path = Path.Combine(directory, "bench.db"))
    .AddWorkflow<FiveSteps>().AddWorkflow<FanOut>().AddActivity<Increment>());

using var host = builder.Build();
await host.StartAsync();
var client = host.Services.GetRequiredService<IWorkflowClient>();

try
{
    // Warm-up: JIT and the SQLite page cache.
    await RunFiveStepWorkflows(client, 500, 50);
    await RunOne(client, nameof(FanOut), 1000);

    var elapsed = await RunFiveStepWorkflows(client, workflows, 50);
    Report("five_step_workflows_per_second", workflows / elapsed.TotalSeconds, "workflows/s");
    Report("activity_steps_per_second", workflows * 5 / elapsed.TotalSeconds, "steps/s");

    var latencies = new List<double>(latencyRuns);
    for (var i = 0; i < latencyRuns; i++)
    {
        latencies.Add((await RunOne(client, nameof(FiveSteps), 0)).TotalMilliseconds);
    }

    latencies.Sort();
    Report("five_step_latency_p50", Percentile(latencies, 0.50), "ms");
    Report("five_step_latency_p95", Percentile(latencies, 0.95), "ms");

    Report("fan_out_1000", (await RunOne(client, nameof(FanOut), 1000)).TotalMilliseconds, "ms");
    Report("fan_out_10000", (await RunOne(client, nameof(FanOut), 10_000)).TotalMilliseconds, "ms");
}
finally
{
    await host.StopAsync();
    Directory.Delete(directory, recursive: true);
}

static async Task<TimeSpan> RunFiveStepWorkflows(IWorkflowClient client, int count, int inFlight)
{
    var next = 0;
    var watch = Stopwatch.StartNew();
    await Task.WhenAll(Enumerable.Range(0, inFlight).Select(async _ =>
    {
        while (Interlocked.Increment(ref next) <= count)
        {
            var id = await client.StartAsync(nameof(FiveSteps), 0);
            var status = await client.WaitForCompletionAsync(id);
            if (status.ReadOutput<int>() != 5)
            {
                throw new InvalidOperationException($"Instance {id} ended {status.RuntimeStatus} with {status.Output}.");
            }
        }
    }));
    return watch.Elapsed;
}

static async Task<TimeSpan> RunOne(IWorkflowClient client, string workflow, int input)
{
    var watch = Stopwatch.StartNew();
    var id = await client.StartAsync(workflow, input);
    var status = await client.WaitForCompletionAsync(id);
    var elapsed = watch.Elapsed;
    return status.RuntimeStatus == WorkflowRuntimeStatus.Completed
        ? elapsed
        : throw new InvalidOperationException($"Instance {id} ended {status.RuntimeStatus}: {status.Failure?.Message}");
}

static double Percentile(List<double> sorted, double p) => sorted[(int)Math.Min(sorted.Count - 1, Math.Floor(p * sorted.Count))];

static void Report(string name, double value, string unit) =>
    Console.WriteLine(FormattableString.Invariant($"bench={name} value={value:F1} unit={unit}"));
