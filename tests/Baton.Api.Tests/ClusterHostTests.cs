using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Baton.TestingHost;

namespace Baton.Api.Tests;

/// <summary>
/// Baton's own hosts as a cluster on PostgreSQL or Azure Storage, each an OS process: two API nodes (each a silo) and an API front end
/// without a silo, joined through configuration alone.
/// </summary>
public sealed class ClusterHostTests
{
    private static readonly TimeSpan Start = TimeSpan.FromSeconds(60);

    [SkippableFact]
    public async Task TwoNodesAndAFrontEnd_OnPostgres_ServeWorkflows_AndKeepServingWhenANodeIsKilled()
    {
        Skip.If(PostgresSchemaScope.ConnectionString is null, PostgresSchemaScope.SkipReason);
        await using var schema = PostgresSchemaScope.Create();
        await TwoNodesAndAFrontEndAsync(
            [$"--Baton:Postgres:ConnectionString={PostgresSchemaScope.ConnectionString}", $"--Baton:Postgres:Schema={schema.Schema}"], schema.Schema);
    }

    [SkippableFact]
    public async Task TwoNodesAndAFrontEnd_OnAzureStorage_ServeWorkflows_AndKeepServingWhenANodeIsKilled()
    {
        Skip.If(AzureStorageScope.ConnectionString is null, AzureStorageScope.SkipReason);
        await using var scope = AzureStorageScope.Create();
        try
        {
            await TwoNodesAndAFrontEndAsync(
                [$"--Baton:Azure:ConnectionString={AzureStorageScope.ConnectionString}", $"--Baton:Azure:TablePrefix={scope.TablePrefix}"], scope.TablePrefix);
        }
        finally
        {
            var tables = new Azure.Data.Tables.TableServiceClient(AzureStorageScope.ConnectionString);
            await tables.DeleteTableAsync(scope.TablePrefix + "Members");
            await tables.DeleteTableAsync(scope.TablePrefix + "Reminders");
        }
    }

    /// <summary>Two API nodes and a front end on the store the arguments name, a node killed midway.</summary>
    private static async Task TwoNodesAndAFrontEndAsync(string[] store, string clusterId)
    {
        string[] Cluster(params string[] more) =>
        [
            "--urls", "http://127.0.0.1:0",
            .. store,
            $"--Orleans:ClusterId={clusterId}",
            .. more,
        ];
        string[] Node() => Cluster(
            $"--Orleans:SiloPort={BatonApiFactory.FreePort().ToString(CultureInfo.InvariantCulture)}",
            $"--Orleans:GatewayPort={BatonApiFactory.FreePort().ToString(CultureInfo.InvariantCulture)}");

        using var first = ApiProcess.Start(Node());
        await first.ListeningAsync(Start);
        using var second = ApiProcess.Start(Node());
        var secondUri = await second.ListeningAsync(Start);
        using var front = ApiProcess.Start(Cluster("--Baton:FrontEnd=true"));
        using var http = new HttpClient { BaseAddress = await front.ListeningAsync(Start) };

        var health = await http.GetFromJsonAsync<JsonElement>("/health");
        Assert.Equal("front end", health.GetProperty("role").GetString());
        Assert.Equal(1 + 4 + 9, await RunSquareSumAsync(http, "before-kill", 3));

        // Instances held by the killed node move to the other one; new starts go to the node that is left.
        var started = await http.PostAsync("/runtime/webhooks/durabletask/orchestrators/SquareSum/held?timeout=0", Http.Json("200"));
        Assert.True(started.StatusCode == HttpStatusCode.Accepted, $"{started.StatusCode}: {await started.Content.ReadAsStringAsync()}");
        first.Kill();
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(Enumerable.Range(1, 4 + i).Sum(x => x * x), await RunSquareSumAsync(http, $"after-kill-{i}", 4 + i));
        }

        var held = await Http.WaitFinishedAsync(http, "held");
        Assert.Equal("Completed", held.GetProperty("runtimeStatus").GetString());
        Assert.Equal(Enumerable.Range(1, 200).Sum(x => x * x), held.GetProperty("output").GetInt32());
        using var direct = new HttpClient { BaseAddress = secondUri };
        Assert.Equal("healthy", (await direct.GetFromJsonAsync<JsonElement>("/health")).GetProperty("status").GetString());
    }

    private static async Task<int> RunSquareSumAsync(HttpClient http, string id, int n)
    {
        // The start call holds the request until the instance finishes (or the time is up: 202, and the test reads on). Right
        // after a kill, the front end may still route through the dead node: it answers 503 with Retry-After (at once, or
        // after the cluster's response timeout), and a client retries, idempotently: an attempt that got through before its
        // answer was lost leaves the retry to find the instance.
        HttpResponseMessage response;
        var unavailable = 0;
        while (true)
        {
            response = await http.PostAsync($"/runtime/webhooks/durabletask/orchestrators/SquareSum/{id}?timeout=30&ifExists=returnExisting", Http.Json(n.ToString(CultureInfo.InvariantCulture)));
            if (response.StatusCode != HttpStatusCode.ServiceUnavailable)
            {
                break;
            }

            Assert.True(++unavailable < 20, $"{id}: the front end stayed unavailable.");
            Assert.Equal(TimeSpan.FromSeconds(1), response.Headers.RetryAfter?.Delta);
            await Task.Delay(response.Headers.RetryAfter!.Delta!.Value);
        }

        Assert.True(response.StatusCode is HttpStatusCode.OK or HttpStatusCode.Accepted, $"{id}: {response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        var status = response.StatusCode == HttpStatusCode.OK
            ? await response.Content.ReadFromJsonAsync<JsonElement>()
            : await Http.WaitFinishedAsync(http, id);
        Assert.Equal("Completed", status.GetProperty("runtimeStatus").GetString());
        return status.GetProperty("output").GetInt32();
    }
}
