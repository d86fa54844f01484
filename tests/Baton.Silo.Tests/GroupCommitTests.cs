namespace Baton.Silo.Tests;

public sealed class GroupCommitTests
{
    [Fact]
    public async Task ManyInstances_UnderLoad_ShareCommits()
    {
        await using var silo = await TestSilo.StartAsync();
        var writer = ((Storage.Sqlite.SqliteWorkflowStore)silo.Store).Writer;
        var (commitsBefore, writesBefore) = (writer.Commits, writer.Writes);

        var ids = await Task.WhenAll(Enumerable.Range(0, 200).Select(i => silo.Client.StartAsync(nameof(Samples.GreetingChain), new[] { "a", "b", "c" })));
        foreach (var id in ids)
        {
            Assert.Equal(WorkflowRuntimeStatus.Completed, (await silo.Client.WaitForCompletionAsync(id, TimeSpan.FromSeconds(60))).RuntimeStatus);
        }

        var commits = writer.Commits - commitsBefore;
        var writes = writer.Writes - writesBefore;
        Assert.True(writes >= 200 * 4, $"Expected at least 800 instance turns written, saw {writes}.");
        Assert.True(writes > commits * 2, $"{writes} writes took {commits} commits: turns are not sharing commits.");
    }
}
