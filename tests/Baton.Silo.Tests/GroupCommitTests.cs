using Baton.Silo.Hosting;
using Baton.TestingHost;

namespace Baton.Silo.Tests;

/// <summary>Under load, many instances' turns share one durable write, on either store.</summary>
public sealed class GroupCommitTests
{
    [Fact]
    public async Task ManyInstances_UnderLoad_ShareCommits()
    {
        await using var silo = await TestSilo.StartAsync();
        var writer = ((Storage.Sqlite.SqliteWorkflowStore)silo.Store).Writer;
        await AssertTurnsShareCommitsAsync(silo, () => (writer.Commits, writer.Writes));
    }

    [SkippableFact]
    public async Task ManyInstances_UnderLoad_ShareTransactions_OnPostgres()
    {
        Skip.If(PostgresSchemaScope.ConnectionString is null, PostgresSchemaScope.SkipReason);
        await using var schema = PostgresSchemaScope.Create();
        await using var silo = await TestSilo.StartAsync(
            store: b => b.UsePostgresStore(o => (o.ConnectionString, o.Schema) = (PostgresSchemaScope.ConnectionString!, schema.Schema)));
        // Two connections write: one for the turns that keep their instance's status, one for the rest.
        var store = (Storage.Postgres.PostgresWorkflowStore)silo.Store;
        Storage.Postgres.PostgresWriter[] writers = [store.Writer, store.SteadyTurnWriter];
        await AssertTurnsShareCommitsAsync(silo, () => (writers.Sum(w => w.Commits), writers.Sum(w => w.Writes)));
        Assert.True(store.SteadyTurnWriter.Writes > 0, "No turn that kept its status went through the second connection.");
    }

    private static async Task AssertTurnsShareCommitsAsync(TestSilo silo, Func<(long Commits, long Writes)> counters)
    {
        var (commitsBefore, writesBefore) = counters();

        var ids = await Task.WhenAll(Enumerable.Range(0, 200).Select(i => silo.Client.StartAsync(nameof(Samples.GreetingChain), new[] { "a", "b", "c" })));
        foreach (var id in ids)
        {
            Assert.Equal(WorkflowRuntimeStatus.Completed, (await silo.Client.WaitForCompletionAsync(id, TimeSpan.FromSeconds(60))).RuntimeStatus);
        }

        var (commitsAfter, writesAfter) = counters();
        var commits = commitsAfter - commitsBefore;
        var writes = writesAfter - writesBefore;
        Assert.True(writes >= 200 * 4, $"Expected at least 800 instance turns written, saw {writes}.");
        Assert.True(writes > commits * 2, $"{writes} writes took {commits} commits: turns are not sharing commits.");
    }
}
