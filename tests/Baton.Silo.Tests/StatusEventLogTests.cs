using Baton.Samples;
using Microsoft.Data.Sqlite;

namespace Baton.Silo.Tests;

public sealed class StatusEventLogTests
{
    [Fact]
    public async Task EveryStatusChange_IsLoggedInOrder_WithItsPreviousStatus()
    {
        await using var silo = await TestSilo.StartAsync();
        var store = silo.Store;
        var before = await store.GetLastStatusEventAsync(default);

        await silo.Client.StartAsync(nameof(SquareSum), 3, new StartWorkflowOptions { InstanceId = "log-1" });
        await silo.Client.WaitForCompletionAsync("log-1", TimeSpan.FromSeconds(30));

        var events = (await store.ReadStatusEventsAsync(before, 100, default)).Where(e => e.InstanceId == "log-1").ToList();
        Assert.Equal([WorkflowRuntimeStatus.Pending, WorkflowRuntimeStatus.Running, WorkflowRuntimeStatus.Completed], events.Select(e => e.RuntimeStatus));
        Assert.Equal([null, WorkflowRuntimeStatus.Pending, WorkflowRuntimeStatus.Running], events.Select(e => e.PreviousStatus));
        Assert.All(events, e => Assert.Equal(nameof(SquareSum), e.Name));
        Assert.Equal(events.Select(e => e.Sequence).Order(), events.Select(e => e.Sequence));
    }

    [Fact]
    public async Task Prune_KeepsWhatAWebhookHasNotReceived_AndNeverReusesSequenceNumbers()
    {
        await using var silo = await TestSilo.StartAsync();
        var store = silo.Store;
        for (var i = 0; i < 4; i++)
        {
            await silo.Client.StartAsync(nameof(SquareSum), 1, new StartWorkflowOptions { InstanceId = $"prune-{i}" });
            await silo.Client.WaitForCompletionAsync($"prune-{i}", TimeSpan.FromSeconds(30));
        }

        var all = await store.ReadStatusEventsAsync(0, 1000, default);
        var cursor = all[4].Sequence;
        await store.SetEventCursorAsync("webhook:test", cursor, default);

        await store.PruneStatusEventsAsync(DateTime.UtcNow.AddDays(1), default);
        Assert.Equal(all.Where(e => e.Sequence > cursor).Select(e => e.Sequence), (await store.ReadStatusEventsAsync(0, 1000, default)).Select(e => e.Sequence));

        await store.SetEventCursorAsync("webhook:test", all[^1].Sequence, default);
        await store.PruneStatusEventsAsync(DateTime.UtcNow.AddDays(1), default);
        Assert.Equal([all[^1].Sequence], (await store.ReadStatusEventsAsync(0, 1000, default)).Select(e => e.Sequence));

        await silo.Client.StartAsync(nameof(SquareSum), 1, new StartWorkflowOptions { InstanceId = "prune-after" });
        Assert.True((await store.ReadStatusEventsAsync(0, 1000, default)).Last().Sequence > all[^1].Sequence);
    }

    [Fact]
    public async Task Prune_RecentEvents_AreKept()
    {
        await using var silo = await TestSilo.StartAsync();
        await silo.Client.StartAsync(nameof(SquareSum), 1, new StartWorkflowOptions { InstanceId = "prune-recent" });
        await silo.Client.WaitForCompletionAsync("prune-recent", TimeSpan.FromSeconds(30));

        Assert.Equal(0, await silo.Store.PruneStatusEventsAsync(DateTime.UtcNow.AddMinutes(-10), default));
        Assert.Equal(3, (await silo.Store.ReadStatusEventsAsync(0, 1000, default)).Count);
    }

}
