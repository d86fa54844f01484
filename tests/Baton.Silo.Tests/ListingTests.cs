using Baton.Samples;

namespace Baton.Silo.Tests;

public sealed class ListingTests
{
    [Fact]
    public async Task List_FiltersByNameStatusPrefixAndCreatedTime()
    {
        await using var silo = await TestSilo.StartAsync();
        var client = silo.Client;
        foreach (var i in Enumerable.Range(0, 3))
        {
            await client.WaitForCompletionAsync(await client.StartAsync(nameof(GreetingChain), new[] { "x" }, new() { InstanceId = $"greet-{i}" }), Eventually.Timeout);
        }

        var afterGreetings = DateTime.UtcNow;
        await client.WaitForCompletionAsync(await client.StartAsync(nameof(UncaughtFailureWorkflow), "no", new() { InstanceId = "fail-0" }), Eventually.Timeout);
        await client.StartAsync(nameof(Reminder), new ReminderRequest("later", 3600), new() { InstanceId = "remind-0" });

        Assert.Equal(5, (await client.ListAsync(new WorkflowQuery())).Items.Count);
        Assert.Equal(["greet-2", "greet-1", "greet-0"], Ids(await client.ListAsync(new WorkflowQuery { Name = nameof(GreetingChain) })));
        Assert.Equal(["fail-0"], Ids(await client.ListAsync(new WorkflowQuery { Statuses = [WorkflowRuntimeStatus.Failed] })));
        Assert.Equal(["remind-0"], Ids(await client.ListAsync(new WorkflowQuery { Statuses = [WorkflowRuntimeStatus.Running, WorkflowRuntimeStatus.Pending] })));
        Assert.Equal(["greet-2", "greet-1", "greet-0"], Ids(await client.ListAsync(new WorkflowQuery { InstanceIdPrefix = "greet-" })));
        Assert.Equal(["remind-0", "fail-0"], Ids(await client.ListAsync(new WorkflowQuery { CreatedFrom = afterGreetings })));
        Assert.Equal(["greet-2", "greet-1", "greet-0"], Ids(await client.ListAsync(new WorkflowQuery { CreatedTo = afterGreetings })));
        Assert.Empty((await client.ListAsync(new WorkflowQuery { Name = nameof(GreetingChain), Statuses = [WorkflowRuntimeStatus.Failed] })).Items);
    }

    [Fact]
    public async Task List_PagesThroughEveryInstanceOnce()
    {
        await using var silo = await TestSilo.StartAsync();
        var started = new HashSet<string>();
        foreach (var i in Enumerable.Range(0, 23))
        {
            started.Add(await silo.Client.StartAsync(nameof(GreetingChain), new[] { "x" }, new() { InstanceId = $"page-{i:D2}" }));
        }

        var seen = new List<string>();
        string? token = null;
        var pages = 0;
        do
        {
            var page = await silo.Client.ListAsync(new WorkflowQuery { PageSize = 5, ContinuationToken = token });
            Assert.True(page.Items.Count <= 5);
            seen.AddRange(Ids(page));
            token = page.ContinuationToken;
            pages++;
        }
        while (token is not null);

        Assert.Equal(5, pages);
        Assert.Equal(23, seen.Count);
        Assert.True(started.SetEquals(seen));
    }

    [Fact]
    public async Task List_BadPageSizeOrToken_ThrowsArgumentException()
    {
        await using var silo = await TestSilo.StartAsync();

        await Assert.ThrowsAsync<ArgumentException>(() => silo.Client.ListAsync(new WorkflowQuery { PageSize = 0 }));
        await Assert.ThrowsAsync<ArgumentException>(() => silo.Client.ListAsync(new WorkflowQuery { PageSize = 1001 }));
        await Assert.ThrowsAsync<ArgumentException>(() => silo.Client.ListAsync(new WorkflowQuery { ContinuationToken = "not-a-token!" }));
    }

    private static string[] Ids(WorkflowPage page) => page.Items.Select(i => i.InstanceId).ToArray();
}
