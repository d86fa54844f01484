using System.Diagnostics;
using Baton.Grains.Storage;
using Baton.History;
using Baton.Silo.Storage.Sqlite;
using static Baton.Bench.Measure;

namespace Baton.Bench;

/// <summary>
/// The dashboard over a big store: fills a node's SQLite file with N finished and live instances of the node's sample
/// workflows (written through the store, as commits, spread over 30 days), starts the API node on it, and times what the
/// dashboard's pages ask for: a filtered instances page (its counts and its first page), a page deep in the listing, the
/// overview and the workflows figures. Each figure is the median of five requests, after one to warm up.
/// </summary>
internal static class DashboardScenario
{
    private static readonly string[] Names = ["GreetingChain", "SquareSum", "Reminder", "OrderApproval"];

    public static async Task RunAsync(string directory, int count)
    {
        var node = Path.Combine(directory, "dashboard");
        Directory.CreateDirectory(node);
        var watch = Stopwatch.StartNew();
        await FillAsync(Path.Combine(node, "baton.db"), count);
        Report("dashboard_fill_instances_per_second", count / watch.Elapsed.TotalSeconds, "instances/s");

        using var api = await ApiNode.StartAsync(node, 21190, 21113);
        using var http = new HttpClient { BaseAddress = api.Address, Timeout = TimeSpan.FromSeconds(120) };
        const string Mgmt = "/runtime/webhooks/durabletask";
        var filter = "name=SquareSum&runtimeStatus=Failed&createdTimeFrom=" + Uri.EscapeDataString(DateTime.UtcNow.AddDays(-20).ToString("O"));

        Report("dashboard_filtered_counts", await MedianAsync(http, $"{Mgmt}/counts?{filter}"), "ms");
        Report("dashboard_filtered_page", await MedianAsync(http, $"{Mgmt}/instances?{filter}&top=50&showInput=false"), "ms");
        Report("dashboard_filtered_page_with_counts", await MedianAsync(http, $"{Mgmt}/counts?{filter}", $"{Mgmt}/instances?{filter}&top=50&showInput=false"), "ms");
        Report("dashboard_page_100_deep", await DeepPageAsync(http, $"{Mgmt}/instances?top=50&showInput=false", 100), "ms");
        Report("dashboard_overview", await MedianAsync(http, "/api/dashboard/overview"), "ms");
        Report("dashboard_workflows", await MedianAsync(http, "/api/dashboard/workflows"), "ms");
    }

    private static async Task FillAsync(string path, int count)
    {
        await using var store = new SqliteWorkflowStore(new SqliteStoreOptions { Path = path }, 64 * 1024);
        await store.InitializeAsync(default);
        var now = DateTime.UtcNow;
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, 256).Select(async _ =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < count)
            {
                var name = Names[i % Names.Length];
                var created = now.AddDays(-30).AddSeconds(i * (30 * 86_400.0 / count));
                var status = (i % 20) switch { 0 => WorkflowRuntimeStatus.Running, 1 or 2 => WorkflowRuntimeStatus.Failed, _ => WorkflowRuntimeStatus.Completed };
                var finished = status != WorkflowRuntimeStatus.Running;
                var ended = created.AddMilliseconds(50 + i % 950);
                HistoryEvent[] events = finished
                    ? [new WorkflowStarted(name, "1") { Timestamp = created }, status == WorkflowRuntimeStatus.Failed
                        ? new WorkflowFailed(new FailureDetails("InvalidOperationException", "bench")) { Timestamp = ended }
                        : new WorkflowCompleted("1") { Timestamp = ended }]
                    : [new WorkflowStarted(name, "1") { Timestamp = created }];
                await store.CommitAsync(new InstanceCommit
                {
                    InstanceId = $"bench-{i:D7}",
                    ExpectedRevision = 0,
                    Owner = "bench",
                    NewInstance = new InstanceRow($"bench-{i:D7}", name, WorkflowRuntimeStatus.Pending, created, created, null, "1", null, null),
                    FirstPosition = 0,
                    NewEvents = events,
                    Status = status,
                    Output = status == WorkflowRuntimeStatus.Completed ? "1" : null,
                    Failure = status == WorkflowRuntimeStatus.Failed ? new FailureDetails("InvalidOperationException", "bench") : null,
                    Now = finished ? ended : created,
                    ConsumedMessages = [],
                    ConsumedWorkItems = [],
                    NewWorkItems = [],
                    LocalQueues = new HashSet<string>(),
                    NewTimers = [],
                    CloseAll = finished,
                }, default);
            }
        }));
    }

    private static async Task<double> MedianAsync(HttpClient http, params string[] urls)
    {
        var times = new List<double>();
        for (var run = 0; run < 6; run++)
        {
            var watch = Stopwatch.StartNew();
            await Task.WhenAll(urls.Select(async url => (await http.GetAsync(url)).EnsureSuccessStatusCode()));
            if (run > 0)
            {
                times.Add(watch.Elapsed.TotalMilliseconds);
            }
        }

        return times.Order().ElementAt(times.Count / 2);
    }

    /// <summary>The time to fetch the page <paramref name="depth"/> pages in (following continuation tokens), once the tokens are known.</summary>
    private static async Task<double> DeepPageAsync(HttpClient http, string url, int depth)
    {
        string? token = null;
        for (var page = 0; page < depth; page++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, url);
            if (token is not null)
            {
                request.Headers.Add("x-ms-continuation-token", token);
            }

            using var response = (await http.SendAsync(request)).EnsureSuccessStatusCode();
            token = response.Headers.TryGetValues("x-ms-continuation-token", out var values) ? values.First() : null;
        }

        var times = new List<double>();
        for (var run = 0; run < 5; run++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, url);
            request.Headers.Add("x-ms-continuation-token", token!);
            var watch = Stopwatch.StartNew();
            (await http.SendAsync(request)).EnsureSuccessStatusCode();
            times.Add(watch.Elapsed.TotalMilliseconds);
        }

        return times.Order().ElementAt(times.Count / 2);
    }
}
