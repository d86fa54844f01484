using Baton.History;
using Baton.Silo.Hosting;
using Baton.TestingHost;
using Npgsql;
using Xunit.Abstractions;

namespace Baton.Silo.Tests;

public sealed class MultiSiloTests(ITestOutputHelper output)
{
    private const int Workflows = 300;
    private const int Items = 5;
    private const int SumOfSquares = 1 + 4 + 9 + 16 + 25;

    [Fact]
    public async Task ThreeSilos_OneKilledMidFlight_EveryWorkflowCompletesOnce()
    {
        string? path = null;
        await ThreeSilosWithOneKilledAsync(
            store: null,
            (cluster, silo) => Db.ScalarAsync(path ??= cluster.DatabasePath, "SELECT count(*) FROM work_items WHERE lease_owner = $id", silo));
    }

    [SkippableFact]
    public async Task ThreeSilos_OnPostgres_OneKilledMidFlight_EveryWorkflowCompletesOnce()
    {
        Skip.If(PostgresSchemaScope.ConnectionString is null, PostgresSchemaScope.SkipReason);
        await using var schema = PostgresSchemaScope.Create();
        await ThreeSilosWithOneKilledAsync(
            b => b.UsePostgresStore(o => (o.ConnectionString, o.Schema) = (PostgresSchemaScope.ConnectionString!, schema.Schema)),
            async (_, silo) =>
            {
                await using var connection = new NpgsqlConnection(PostgresSchemaScope.ConnectionString);
                await connection.OpenAsync();
                await using var command = new NpgsqlCommand($"SELECT count(*) FROM \"{schema.Schema}\".work_items WHERE lease_owner = $1", connection);
                command.Parameters.Add(new NpgsqlParameter { Value = silo });
                return (long)(await command.ExecuteScalarAsync())!;
            });
    }

    [SkippableFact]
    public async Task ThreeSilos_OnAzureStorage_OneKilledMidFlight_EveryWorkflowCompletesOnce()
    {
        Skip.If(AzureStorageScope.ConnectionString is null, AzureStorageScope.SkipReason);
        await using var scope = AzureStorageScope.Create();
        var instances = new Azure.Data.Tables.TableClient(AzureStorageScope.ConnectionString, scope.TablePrefix + "Instances");
        await ThreeSilosWithOneKilledAsync(
            b => b.UseAzureStore(o => (o.ConnectionString, o.TablePrefix) = (AzureStorageScope.ConnectionString!, scope.TablePrefix)),
            async (_, silo) =>
            {
                var held = 0L;
                await foreach (var row in instances.QueryAsync<Azure.Data.Tables.TableEntity>($"LeaseOwner eq '{silo}' and Gone ne true", select: ["RowKey"]))
                {
                    held++;
                }

                return held;
            });
    }

    /// <summary>300 workflows over three silos on <paramref name="store"/>, one silo killed while a fifth of their activities have run.</summary>
    /// <param name="store">The store; null for SQLite.</param>
    /// <param name="leasedBy">How many work items the silo (by its address) holds leased in the store.</param>
    private async Task ThreeSilosWithOneKilledAsync(Action<BatonBuilder>? store, Func<BatonTestCluster, string, Task<long>> leasedBy)
    {
        await using var cluster = await BatonTestCluster.StartAsync(TestSilo.Options(
            silos: 3,
            register: b => b.AddWorkflow<ClusterWorkflow>().AddActivity<SlowSquare>(),
            store: store));
        var silos = cluster.Silos;
        Assert.Equal(3, silos.Count);

        var ranBefore = Probe.Count(SlowSquare.Total); // Another test of this class may have run squares already.

        // Starts spread over the three silos (as a load balancer would spread them) and, from the kill on, over the two
        // that stay; half the events are raised at once, the other half after the kill. The kill comes while starts are
        // still arriving and a fifth of the activities have run: instances mid-flight on every silo, activities running
        // on the victim. Placement is Orleans' (resource-optimised) and may leave a silo with few instances, so the
        // victim is the secondary silo that holds the most activities at that moment (the test cluster's primary
        // stays up).
        var ids = new List<string>();
        BatonTestSilo? victim = null;
        var survivors = silos.ToArray();
        var running = 0L;
        var heldByVictim = 0L;
        // True once it killed a secondary silo holding claimed activities; while none holds any (they may all sit on the
        // primary for a moment), the starts go on and it looks again at the next.
        async Task<bool> TryKillAsync()
        {
            var held = new long[silos.Count];
            for (var s = 1; s < silos.Count; s++)
            {
                held[s] = await leasedBy(cluster, silos[s].Address.ToParsableString());
            }

            if (held.Skip(1).All(h => h == 0))
            {
                return false;
            }

            running = (await silos[0].Client.CountByStatusAsync(new WorkflowQuery())).GetValueOrDefault(WorkflowRuntimeStatus.Running);
            var chosen = held[1] >= held[2] ? 1 : 2;
            (victim, heldByVictim) = (silos[chosen], held[chosen]);
            await cluster.KillSiloAsync(victim);
            survivors = silos.Where(s => s != victim).ToArray();
            return true;
        }

        for (var i = 0; i < Workflows; i++)
        {
            if (victim is null && Probe.Count(SlowSquare.Total) - ranBefore >= Workflows * Items / 5)
            {
                await TryKillAsync();
            }

            var client = survivors[i % survivors.Length].Client;
            ids.Add(await client.StartAsync(nameof(ClusterWorkflow), new ClusterOrder(Items, 100 + i % 5 * 200)));
            if (i % 2 == 0)
            {
                await client.RaiseEventAsync(ids[i], "bonus", i);
            }
        }

        if (victim is null)
        {
            await Eventually.WaitUntil(() => Task.FromResult(Probe.Count(SlowSquare.Total) - ranBefore >= Workflows * Items / 5), TimeSpan.FromSeconds(60));
            await Eventually.WaitUntil(TryKillAsync, TimeSpan.FromSeconds(60));
        }

        Assert.True(heldByVictim > 0, "The kill found no activity claimed by the victim, so it tested nothing.");
        for (var i = 1; i < Workflows; i += 2)
        {
            await survivors[0].Client.RaiseEventAsync(ids[i], "bonus", i);
        }

        for (var i = 0; i < Workflows; i++)
        {
            var status = await cluster.WaitForStatusAsync(ids[i], WorkflowRuntimeStatus.Completed, TimeSpan.FromSeconds(90));
            Assert.Equal(SumOfSquares + i, status.ReadOutput<int>());
        }

        foreach (var id in ids)
        {
            AssertNoEventTwice(id, (await survivors[0].Client.GetStatusAsync(id, includeHistory: true))!.History!);
            for (var index = 1; index <= Items; index++)
            {
                Assert.True(Probe.Count(SlowSquare.Key(id, index)) >= 1, $"{id}: square {index} never ran");
            }
        }

        var executions = Executions(ids);

        output.WriteLine(
            $"{Workflows} workflows over 3 silos; {victim!.Name} killed with {running} running and {heldByVictim} activities claimed: all completed; " +
            $"{executions} activity executions for {Workflows * Items} activities ({executions - Workflows * Items} re-executions).");
    }

    [Fact]
    public async Task ActivityOnAQueueNoSiloServes_WaitsAndRunsOnTheSiloThatJoinsServingIt()
    {
        await using var cluster = await BatonTestCluster.StartAsync(TestSilo.Options(
            register: b => b.AddWorkflow<GpuWorkflow>().AddActivity<WhereAmI>()));
        var id = await cluster.RemoteClient.StartAsync(nameof(GpuWorkflow), "tensor");
        await Eventually.WaitUntil(async () =>
            (await cluster.Client.GetStatusAsync(id, includeHistory: true))!.History!.OfType<ActivityScheduled>().Any());

        // No silo serves "gpu" yet: the work item waits in the store, unclaimed, until one joins that serves it.
        var gpu = await cluster.AddSiloAsync(o => o.ActivityQueues = ["default", "gpu"]);
        var status = await cluster.WaitForStatusAsync(id, WorkflowRuntimeStatus.Completed);

        Assert.Equal(gpu.Address.ToString(), status.ReadOutput<string>());
    }

    private static int Executions(IEnumerable<string> ids) =>
        ids.Sum(id => Enumerable.Range(1, Items).Sum(index => Probe.Count(SlowSquare.Key(id, index))));

    private static void AssertNoEventTwice(string id, IReadOnlyList<HistoryEvent> history)
    {
        HistoryAssert.NoEventTwice(id, history);
        Assert.Single(history, e => e is EventRaised);
    }
}
