using System.Diagnostics;
using System.Net;
using System.Text;

namespace Baton.Bench;

/// <summary>The workloads the benchmarks time.</summary>
internal static class Scenarios
{
    /// <summary>The sample that the HTTP scenarios start: five cities, five sequential activities.</summary>
    public const string GreetingChain = "GreetingChain";

    private const string Cities = """["Tokyo","Seattle","London","Paris","Cairo"]""";

    /// <summary>Runs <paramref name="count"/> five-step workflows, <paramref name="inFlight"/> at a time, each started and awaited.</summary>
    public static async Task<TimeSpan> RunFiveStepWorkflows(IWorkflowClient client, int count, int inFlight, string workflow = nameof(FiveSteps))
    {
        object input = workflow == GreetingChain ? new[] { "Tokyo", "Seattle", "London", "Paris", "Cairo" } : 0;
        var next = 0;
        var watch = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, inFlight).Select(async _ =>
        {
            while (Interlocked.Increment(ref next) <= count)
            {
                var id = await client.StartAsync(workflow, input);
                var status = await client.WaitForCompletionAsync(id);
                if (status.RuntimeStatus != WorkflowRuntimeStatus.Completed)
                {
                    throw new InvalidOperationException($"Instance {id} ended {status.RuntimeStatus} with {status.Failure?.Message}.");
                }
            }
        }));
        return watch.Elapsed;
    }

    /// <summary>
    /// Runs <paramref name="count"/> GreetingChain workflows through the Durable Functions start route with
    /// <c>timeout=30</c>, which answers 200 with the output once the instance finishes.
    /// </summary>
    public static async Task<TimeSpan> RunOverRawRoute(HttpClient http, int count, int inFlight)
    {
        var next = 0;
        var watch = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, inFlight).Select(async _ =>
        {
            while (Interlocked.Increment(ref next) <= count)
            {
                using var body = new StringContent(Cities, Encoding.UTF8, "application/json");
                using var response = await http.PostAsync($"runtime/webhooks/durabletask/orchestrators/{GreetingChain}/{Guid.NewGuid():N}?timeout=30", body);
                if (response.StatusCode != HttpStatusCode.OK)
                {
                    throw new InvalidOperationException($"The start route answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
                }
            }
        }));
        return watch.Elapsed;
    }

    /// <summary>Runs <paramref name="batch"/> again and again until <paramref name="duration"/> has passed.</summary>
    public static async Task WarmUp(TimeSpan duration, Func<Task<TimeSpan>> batch)
    {
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < duration)
        {
            await batch();
        }
    }

    /// <summary>Runs one workflow to completion and times it.</summary>
    public static async Task<TimeSpan> RunOne(IWorkflowClient client, string workflow, int input)
    {
        var watch = Stopwatch.StartNew();
        var id = await client.StartAsync(workflow, input);
        var status = await client.WaitForCompletionAsync(id);
        var elapsed = watch.Elapsed;
        return status.RuntimeStatus == WorkflowRuntimeStatus.Completed
            ? elapsed
            : throw new InvalidOperationException($"Instance {id} ended {status.RuntimeStatus}: {status.Failure?.Message}");
    }

    /// <summary>Runs <paramref name="run"/> <paramref name="count"/> times in sequence; returns the times in milliseconds, sorted.</summary>
    public static async Task<List<double>> Latencies(int count, Func<Task<TimeSpan>> run)
    {
        var latencies = new List<double>(count);
        for (var i = 0; i < count; i++)
        {
            latencies.Add((await run()).TotalMilliseconds);
        }

        latencies.Sort();
        return latencies;
    }
}
