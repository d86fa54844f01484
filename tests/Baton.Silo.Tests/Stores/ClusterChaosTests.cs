using Baton.TestingHost;
using System.Collections.Concurrent;
using System.Diagnostics;
using Baton.Client;
using Baton.CrashHost;
using Baton.History;
using Baton.Silo.Clustering;
using Azure.Data.Tables;
using Baton.Grains.Storage;
using Baton.Silo.Storage.Azure;
using Baton.Silo.Storage.Postgres;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using Orleans.Configuration;
using Orleans.Hosting;
using Xunit.Abstractions;

namespace Baton.Silo.Tests.Stores;

/// <summary>
/// The chaos suite: three silo processes on PostgreSQL (and, shorter, on Azure Storage) run workflows with fan-out, children, timers and events while a
/// driver kills silos (SIGKILL) and restarts them, and pauses one (SIGSTOP) past its failure detection before resuming it.
/// Afterwards every workflow has the right output, no history event was recorded twice, and every activity ran.
/// </summary>
public sealed class ClusterChaosTests(ITestOutputHelper output)
{
    private static readonly TimeSpan SiloStart = TimeSpan.FromSeconds(60);
    private const int StepsPerChild = 6;
    private const int Dead = 6; // Orleans' SiloStatus.Dead, as the membership table stores it

    [SkippableFact]
    public async Task ThreeSiloProcesses_KilledRestartedAndPaused_EveryWorkflowCompletesOnce()
    {
        Skip.If(PostgresSchemaScope.ConnectionString is null, PostgresSchemaScope.SkipReason);
        var connection = PostgresSchemaScope.ConnectionString!;
        await using var schema = PostgresSchemaScope.Create();
        await using var store = new PostgresWorkflowStore(new PostgresStoreOptions { ConnectionString = connection, Schema = schema.Schema }, 64 * 1024);
        await store.InitializeAsync(default);
        var database = store.DataSource;
        await RunAsync(new ChaosBackend(
            ["--postgres", connection, "--schema", schema.Schema],
            store,
            client => client.UsePostgresClustering(o => (o.ConnectionString, o.Schema) = (connection, schema.Schema)),
            silo => ScalarAsync(database, "SELECT count(*) FROM instances WHERE owner = $1", silo),
            silo => ScalarAsync(database, "SELECT count(*) FROM work_items WHERE lease_owner = $1", silo),
            async silo => await ScalarAsync(database, "SELECT count(*) FROM membership WHERE address = $1 AND status = " + Dead, silo) > 0),
            workflows: 300);
    }

    [SkippableFact]
    public async Task ThreeSiloProcesses_OnAzureStorage_KilledRestartedAndPaused_EveryWorkflowCompletesOnce()
    {
        Skip.If(AzureStorageScope.ConnectionString is null, AzureStorageScope.SkipReason);
        var connection = AzureStorageScope.ConnectionString!;
        await using var scope = AzureStorageScope.Create();
        await using var store = new AzureWorkflowStore(new AzureStoreOptions { ConnectionString = connection, TablePrefix = scope.TablePrefix }, 64 * 1024);
        await store.InitializeAsync(default);
        var members = new TableClient(connection, scope.TablePrefix + "Members");
        async Task<long> CountAsync(string filter)
        {
            var count = 0L;
            await foreach (var row in store.Instances.QueryAsync<TableEntity>(filter, select: ["RowKey"]))
            {
                count++;
            }

            return count;
        }

        try
        {
            await RunAsync(new ChaosBackend(
                ["--azure", connection, "--prefix", scope.TablePrefix],
                store,
                client => client.UseAzureClustering(o => (o.ConnectionString, o.TablePrefix) = (connection, scope.TablePrefix)),
                silo => CountAsync($"RowKey eq 'i' and Held eq true and Owner eq '{silo}'"),
                silo => CountAsync($"LeaseOwner eq '{silo}' and Gone ne true"),
                async silo =>
                {
                    // Orleans' Azure membership rows: the silo's address, port and generation, and its status by name.
                    await foreach (var row in members.QueryAsync<TableEntity>("Status eq 'Dead'"))
                    {
                        if ($"{row.GetString("Address")}:{row.GetString("Port")}@{row.GetString("Generation")}" == silo)
                        {
                            return true;
                        }
                    }

                    return false;
                }),
                workflows: 100);
        }
        finally
        {
            await members.DeleteAsync();
            await new TableServiceClient(connection).DeleteTableAsync(scope.TablePrefix + "Reminders");
        }
    }

    /// <summary>What the chaos suite needs of a store: how silos join it, and how to count what a silo holds.</summary>
    private sealed record ChaosBackend(
        string[] SiloArguments,
        IWorkflowStore Store,
        Action<IClientBuilder> Clustering,
        Func<string, Task<long>> InstancesHeldBy,
        Func<string, Task<long>> ActivitiesLeasedBy,
        Func<string, Task<bool>> DeclaredDead);

    private async Task RunAsync(ChaosBackend backend, int workflows)
    {
        workflows = int.TryParse(Environment.GetEnvironmentVariable("BATON_CHAOS_WORKFLOWS"), out var n) ? n : workflows;
        var logs = Path.Combine(Path.GetTempPath(), "baton-chaos", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(logs);
        var generation = 0;
        string[] Arguments() =>
            [.. backend.SiloArguments, "--log", Path.Combine(logs, $"executions-{Interlocked.Increment(ref generation)}.log"), "--instances", "0"];

        var silos = new SiloProcess?[3];
        try
        {
            // The first creates the schema; the others join it.
            silos[0] = await SiloProcess.StartAsync(SiloStart, Arguments());
            (silos[1], silos[2]) = (await SiloProcess.StartAsync(SiloStart, Arguments()), await SiloProcess.StartAsync(SiloStart, Arguments()));

            var store = backend.Store;
            using var front = await StartFrontEndAsync(backend.Clustering);
            var client = front.Services.GetRequiredService<IWorkflowClient>();

            var raises = new ConcurrentDictionary<string, int>();
            var ids = Enumerable.Range(0, workflows).Select(k => $"chaos-{k:D4}").ToArray();
            await Parallel.ForEachAsync(Enumerable.Range(0, workflows), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (k, _) =>
            {
                await RetryAsync(async () =>
                {
                    try
                    {
                        // Idempotent: a retry after an attempt that got through (its answer lost) finds the instance and leaves it be.
                        await client.StartAsync(nameof(ChaosWorkflow), k, new StartWorkflowOptions { InstanceId = ids[k], IfExists = InstanceIdReusePolicy.ReturnExisting });
                    }
                    catch (InstanceAlreadyExistsException)
                    {
                    }
                });
                if (k % 2 == 0)
                {
                    await RaiseAsync(client, ids[k], k, raises);
                }
            });

            // The odd half waits for its event through the whole of the chaos, so there are instances in flight at every step.
            var report = await RunChaosAsync(silos, Arguments, backend);
            await Parallel.ForEachAsync(Enumerable.Range(0, workflows).Where(k => k % 2 == 1), new ParallelOptions { MaxDegreeOfParallelism = 16 },
                async (k, _) => await RaiseAsync(client, ids[k], k, raises));

            var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(4);
            while ((await store.CountByStatusAsync(new WorkflowQuery { Name = nameof(ChaosWorkflow) }, default)).GetValueOrDefault(WorkflowRuntimeStatus.Completed) < workflows)
            {
                if (DateTime.UtcNow > deadline)
                {
                    var stuck = (await store.ListAsync(new WorkflowQuery { Statuses = [WorkflowRuntimeStatus.Pending, WorkflowRuntimeStatus.Running], PageSize = 10 }, default)).Items;
                    Assert.Fail($"Not every workflow completed ({report}): {string.Join(", ", stuck.Select(s => $"{s.InstanceId} {s.RuntimeStatus}"))} and perhaps more.");
                }

                await Task.Delay(200);
            }

            for (var k = 0; k < workflows; k++)
            {
                var parent = (await store.GetInstanceAsync(ids[k], default))!;
                Assert.Equal(ChaosWorkflow.Expected(k).ToString(System.Globalization.CultureInfo.InvariantCulture), parent.Output);
                var history = await store.GetHistoryAsync(ids[k], default);
                HistoryAssert.NoEventTwice(ids[k], history);
                Assert.InRange(history.Count(e => e is EventRaised), 1, raises[ids[k]]);
                var childId = history.OfType<ChildWorkflowScheduled>().Single().InstanceId;
                var child = await store.GetHistoryAsync(childId, default);
                HistoryAssert.NoEventTwice(childId, child);
                Assert.Equal(StepsPerChild, child.OfType<ActivityCompleted>().Count());
            }

            var executions = Directory.GetFiles(logs, "executions-*.log").SelectMany(ExecutionLog.Read).GroupBy(l => l).ToDictionary(g => g.Key, g => g.Count());
            Assert.Equal(workflows * StepsPerChild, executions.Count);
            var runs = executions.Values.Sum();
            output.WriteLine(
                $"{workflows} workflows on 3 silo processes on {store.GetType().Name}: all completed with the right output, no event recorded twice. {report} " +
                $"{runs} activity executions for {executions.Count} activities ({runs - executions.Count} re-executions, at most {executions.Values.Max()} of one).");
        }
        finally
        {
            foreach (var silo in silos)
            {
                silo?.Dispose();
            }

            Directory.Delete(logs, recursive: true);
        }
    }

    /// <summary>
    /// Kills a silo and restarts it twice, then pauses one past failure detection and resumes it (the cluster has declared
    /// it dead by then, so it stops itself) and starts a replacement; returns what it measured.
    /// </summary>
    private async Task<string> RunChaosAsync(SiloProcess?[] silos, Func<string[]> arguments, ChaosBackend backend)
    {
        var measured = new List<string>();
        for (var round = 0; round < 3; round++)
        {
            // The victim is the silo holding the most instances, so that every round has work to take over.
            var holdings = new long[silos.Length];
            for (var i = 0; i < silos.Length; i++)
            {
                holdings[i] = await backend.InstancesHeldBy(silos[i]!.Address);
            }

            var index = Array.IndexOf(holdings, holdings.Max());
            var victim = silos[index]!;
            var leased = await backend.ActivitiesLeasedBy(victim.Address);
            var held = holdings[index];
            var clock = Stopwatch.StartNew();
            if (round < 2)
            {
                await victim.KillAsync();
            }
            else
            {
                await victim.PauseAsync();
            }

            // Detection: the membership table marks it dead. Takeover: the first of its instances claimed by another silo (its
            // leases are no measure: an instance elsewhere may consume a lease whose result was handed over before the kill).
            TimeSpan? takeover = null;
            while (!await backend.DeclaredDead(victim.Address))
            {
                takeover ??= await TakenOverAsync(backend, victim.Address, held) ? clock.Elapsed : null;
                Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), "The cluster did not declare the silo dead within a minute.");
                await Task.Delay(50);
            }

            var detected = clock.Elapsed;
            while (takeover is null && held > 0 && clock.Elapsed < TimeSpan.FromSeconds(60))
            {
                takeover = await TakenOverAsync(backend, victim.Address, held) ? clock.Elapsed : null;
                await Task.Delay(50);
            }

            if (round == 2)
            {
                await victim.ResumeAsync();
                var stopped = Stopwatch.StartNew();
                while (!victim.HasExited && stopped.Elapsed < TimeSpan.FromSeconds(30))
                {
                    await Task.Delay(50);
                }

                measured.Add($"paused silo: declared dead after {detected.TotalSeconds:N1} s, first instance taken over at {Seconds(takeover)}, " +
                    $"{(victim.HasExited ? "stopped itself once resumed" : "still running once resumed (killed)")}.");
            }
            else
            {
                measured.Add($"kill {round + 1}: declared dead after {detected.TotalSeconds:N1} s, it held {held} instances and {leased} leased activities; the first instance was taken over at {Seconds(takeover)}.");
            }

            victim.Dispose();
            silos[index] = await SiloProcess.StartAsync(SiloStart, arguments());
        }

        return string.Join(" ", measured);
    }

    private static string Seconds(TimeSpan? time) => time is { } t ? $"{t.TotalSeconds:N1} s" : "(it held nothing)";

    private static async Task<bool> TakenOverAsync(ChaosBackend backend, string silo, long held) =>
        held > 0 && await backend.InstancesHeldBy(silo) < held;

    private static async Task<long> ScalarAsync(NpgsqlDataSource database, string sql, string value)
    {
        await using var command = database.CreateCommand(sql);
        command.Parameters.Add(new NpgsqlParameter { Value = value });
        return (long)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>An Orleans client that finds the silos through the store's membership, as an API front end does.</summary>
    private static async Task<IHost> StartFrontEndAsync(Action<IClientBuilder> clustering)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.UseOrleansClient(client =>
        {
            client.Configure<ClusterOptions>(o => (o.ClusterId, o.ServiceId) = ("chaos", "chaos"))
                .Configure<ClientMessagingOptions>(o => o.ResponseTimeout = TimeSpan.FromSeconds(10))
                .Configure<GatewayOptions>(o => o.GatewayListRefreshPeriod = TimeSpan.FromSeconds(2));
            clustering(client);
            client.AddBatonClusterClient();
        });
        var host = builder.Build();
        await host.StartAsync();
        return host;
    }

    private static async Task RaiseAsync(IWorkflowClient client, string id, int k, ConcurrentDictionary<string, int> raises) =>
        await RetryAsync(() =>
        {
            raises.AddOrUpdate(id, 1, (_, count) => count + 1); // A retried raise may have got through: it can add one event.
            return client.RaiseEventAsync(id, "go", k);
        });

    /// <summary>Retries a call whose gateway silo died under it; another gateway answers the next attempt.</summary>
    private static async Task RetryAsync(Func<Task> call)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await call();
                return;
            }
            catch (Exception ex) when (attempt < 10 && ex is not BatonException)
            {
                await Task.Delay(500);
            }
        }
    }
}
