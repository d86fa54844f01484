using System.Collections.Concurrent;
using Baton.Samples.Monitor;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Xunit.Abstractions;

namespace Baton.Silo.Tests;

/// <summary>
/// The monitor sample end to end: a real HTTP job and webhook receiver on loopback, and the monitor watching the job
/// through 10,000 changes (BATON_MONITOR_CHANGES to change the count) with its history bounded by continue-as-new.
/// </summary>
public sealed class MonitorSampleTests(ITestOutputHelper output)
{
    [Fact]
    public async Task TheMonitor_ReportsEveryChangeOfALongJob_WithItsHistoryBounded()
    {
        var changes = int.TryParse(Environment.GetEnvironmentVariable("BATON_MONITOR_CHANGES"), out var given) ? given : 10_000;
        const int perRun = 100;

        // The job's status moves on at every read; the monitor reads twice per change (its check, then its report).
        var reads = 0;
        var reported = new ConcurrentDictionary<int, int>();
        var server = WebApplication.CreateSlimBuilder();
        server.WebHost.UseUrls("http://127.0.0.1:0");
        await using var app = server.Build();
        app.MapGet("/job", () => Interlocked.Increment(ref reads) is var n && n < 2 * changes ? $"step-{n}" : "done");
        app.MapPost("/webhook", (StatusChange change) =>
        {
            reported.AddOrUpdate(change.Iteration, 1, (_, times) => times + 1);
            return Results.Ok();
        });
        await app.StartAsync();
        var baseUrl = app.Urls.Single();

        await using var silo = await TestSilo.StartAsync(register: b => b.AddJobMonitor());
        var id = await silo.Client.StartAsync(nameof(JobMonitor), new MonitorRequest
        {
            JobUrl = $"{baseUrl}/job",
            WebhookUrl = $"{baseUrl}/webhook",
            IterationsPerRun = perRun,
            PollInterval = TimeSpan.FromMilliseconds(10),
        });

        // While it runs, the history the store keeps for it stays within one run's.
        var mostRows = 0L;
        var started = DateTime.UtcNow;
        WorkflowStatus? finished = null;
        while (finished is null)
        {
            Assert.True(DateTime.UtcNow - started < TimeSpan.FromMinutes(10), $"the monitor is still running after 10 minutes, at change {reported.Count}");
            mostRows = Math.Max(mostRows, await Db.CountAsync(silo.DatabasePath, "history", id));
            try
            {
                finished = await silo.Client.WaitForCompletionAsync(id, TimeSpan.FromSeconds(1));
            }
            catch (TimeoutException)
            {
            }
        }

        var result = finished.ReadOutput<MonitorResult>()!;
        Assert.Equal(WorkflowRuntimeStatus.Completed, finished.RuntimeStatus);
        Assert.Equal(new MonitorResult("done", changes), result);
        Assert.Equal(Enumerable.Range(1, changes), reported.Keys.Order());
        var history = (await silo.Client.GetStatusAsync(id, includeHistory: true))!.History!;
        Assert.True(history.Count <= perRun * 8, $"the last run holds {history.Count} events");
        Assert.True(mostRows <= perRun * 8, $"the store held up to {mostRows} history rows for the instance");
        output.WriteLine($"{changes} changes in {DateTime.UtcNow - started:g}; at most {mostRows} history rows; {reported.Values.Count(v => v > 1)} reported twice");
    }
}
