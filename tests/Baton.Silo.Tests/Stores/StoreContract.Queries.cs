using Baton.Grains.Replay;
using Baton.Grains.Storage;
using Baton.History;
using Orleans;
using Orleans.Runtime;

namespace Baton.Silo.Tests.Stores;

// The contract's reads and deletions: listing, counting, purging, restarting, the status event log, payloads, reminders.
public abstract partial class StoreContract
{
    [SkippableFact]
    public async Task List_PagesNewestFirst_AndFiltersByNameStatusTimeAndLiteralPrefix()
    {
        var store = await OpenAsync();
        for (var i = 0; i < 25; i++)
        {
            await store.CommitAsync(Create($"a_{i:00}", null, i % 2 == 0 ? "Even" : "Odd", T0.AddMinutes(i)), default);
        }

        await store.CommitAsync(Create("ab", null, "Even", T0.AddMinutes(30)), default);
        await store.CommitAsync(Create("a%x", null, "Even", T0.AddMinutes(31)), default);

        var seen = new List<string>();
        string? token = null;
        do
        {
            var page = await store.ListAsync(new WorkflowQuery { InstanceIdPrefix = "a_", PageSize = 10, ContinuationToken = token }, default);
            Assert.True(page.Items.Count <= 10);
            seen.AddRange(page.Items.Select(s => s.InstanceId));
            token = page.ContinuationToken;
        }
        while (token is not null);

        Assert.Equal(Enumerable.Range(0, 25).Reverse().Select(i => $"a_{i:00}"), seen);
        seen.Clear();
        do
        {
            var page = await store.ListAsync(new WorkflowQuery { InstanceIdPrefix = "a_", PageSize = 10, ContinuationToken = token, OldestFirst = true }, default);
            seen.AddRange(page.Items.Select(s => s.InstanceId));
            token = page.ContinuationToken;
        }
        while (token is not null);

        Assert.Equal(Enumerable.Range(0, 25).Select(i => $"a_{i:00}"), seen);
        Assert.Equal(["a%x"], (await store.ListAsync(new WorkflowQuery { InstanceIdPrefix = "a%" }, default)).Items.Select(s => s.InstanceId));

        var evens = await store.ListAsync(new WorkflowQuery { Name = "Even", CreatedFrom = T0.AddMinutes(10), CreatedTo = T0.AddMinutes(20) }, default);
        Assert.Equal([18, 16, 14, 12, 10], evens.Items.Select(s => int.Parse(s.InstanceId[2..])));

        await store.CommitAsync(Turn("a_03", 1, 1, [new WorkflowCompleted(null)]) with { Status = WorkflowRuntimeStatus.Completed, CloseAll = true }, default);
        var counts = await store.CountByStatusAsync(new WorkflowQuery { InstanceIdPrefix = "a_" }, default);
        Assert.Equal((24L, 1L), (counts[WorkflowRuntimeStatus.Running], counts[WorkflowRuntimeStatus.Completed]));
        Assert.Equal(["a_03"], (await store.ListAsync(new WorkflowQuery { Statuses = [WorkflowRuntimeStatus.Completed] }, default)).Items.Select(s => s.InstanceId));
    }

    [SkippableFact]
    public async Task ListAndCount_ByVersion_KeepOnlyThatVersionsInstances()
    {
        var store = await OpenAsync();
        await store.CommitAsync(Create("v1-a", null, "Versioned"), default);
        await store.CommitAsync(Create("v2-a", null, "Versioned") with { NewInstance = Row("v2-a") with { Name = "Versioned", Version = 2 } }, default);
        await store.CommitAsync(Create("v2-b", null, "Versioned") with { NewInstance = Row("v2-b") with { Name = "Versioned", Version = 2 } }, default);

        Assert.Equal(["v2-b", "v2-a"], (await store.ListAsync(new WorkflowQuery { Name = "Versioned", Version = 2 }, default)).Items.Select(s => s.InstanceId));
        Assert.Equal(2, (await store.CountByStatusAsync(new WorkflowQuery { Name = "Versioned", Version = 2 }, default)).Values.Sum());
        Assert.Equal(1, (await store.CountByStatusAsync(new WorkflowQuery { Name = "Versioned", Version = 1 }, default)).Values.Sum());
    }

    [SkippableFact]
    public async Task List_ByCustomStatus_MatchesAPlainStringAndRawJson()
    {
        var store = await OpenAsync();
        await store.CommitAsync(Create("cs-1", null), default);
        await store.CommitAsync(Turn("cs-1", 1, 1, []) with { CustomStatusChanged = true, CustomStatus = "\"waiting\"" }, default);
        await store.CommitAsync(Create("cs-2", null), default);
        await store.CommitAsync(Turn("cs-2", 1, 1, []) with { CustomStatusChanged = true, CustomStatus = "{\"step\":2}" }, default);

        Assert.Equal(["cs-1"], (await store.ListAsync(new WorkflowQuery { CustomStatus = "waiting" }, default)).Items.Select(s => s.InstanceId));
        Assert.Equal(["cs-2"], (await store.ListAsync(new WorkflowQuery { CustomStatus = "{\"step\":2}" }, default)).Items.Select(s => s.InstanceId));
    }

    [SkippableFact]
    public async Task ListCountAndPurge_InANamespace_SeeOnlyItsKeys_AndNameInstancesByTheirIds()
    {
        var store = await OpenAsync();
        foreach (var key in new[] { "ns-1", "ns-2", "blue/ns-1", "blue/ns-3", "bluer/ns-1" })
        {
            await store.CommitAsync(Create(key, null, "Flow", T0), default);
            await store.CommitAsync(Turn(key, 1, 1, [new WorkflowCompleted(null)]) with { Status = WorkflowRuntimeStatus.Completed, CloseAll = true }, default);
        }

        string[] Ids(WorkflowPage page) => page.Items.Select(s => s.InstanceId).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(["ns-1", "ns-3"], Ids(await store.ListAsync(new WorkflowQuery { Namespace = "blue" }, default)));
        Assert.Equal(["ns-1", "ns-2"], Ids(await store.ListAsync(new WorkflowQuery { Namespace = WorkflowNamespaces.Default }, default)));
        Assert.Equal(["ns-3"], Ids(await store.ListAsync(new WorkflowQuery { Namespace = "blue", InstanceIdPrefix = "ns-3" }, default)));
        Assert.Equal(5, (await store.ListAsync(new WorkflowQuery(), default)).Items.Count); // unscoped, where only the default namespace exists

        // Paging inside a namespace continues from its own last key.
        var first = await store.ListAsync(new WorkflowQuery { Namespace = "blue", PageSize = 1 }, default);
        var second = await store.ListAsync(new WorkflowQuery { Namespace = "blue", PageSize = 1, ContinuationToken = first.ContinuationToken }, default);
        Assert.Equal(["ns-1", "ns-3"], first.Items.Concat(second.Items).Select(s => s.InstanceId).Order(StringComparer.Ordinal));
        Assert.Null(second.ContinuationToken);

        Assert.Equal(1L, (await store.CountByStatusAsync(new WorkflowQuery { Namespace = "bluer" }, default))[WorkflowRuntimeStatus.Completed]);
        Assert.Equal(2L, (await store.CountByStatusAsync(new WorkflowQuery { Namespace = WorkflowNamespaces.Default }, default))[WorkflowRuntimeStatus.Completed]);
        Assert.Equal(2, await store.PurgeAsync(new PurgeFilter(new PurgeQuery { Namespace = "blue" }, [WorkflowRuntimeStatus.Completed]), 100, default));
        Assert.NotNull(await store.GetInstanceAsync("bluer/ns-1", default));
        Assert.NotNull(await store.GetInstanceAsync("ns-1", default));
    }

    [SkippableFact]
    public async Task PurgeAndRecreate_TouchOnlyFinishedInstances()
    {
        var store = await OpenAsync();
        await store.CommitAsync(Create("p-run", null), default);
        await store.CommitAsync(Create("p-done", null), default);
        await store.CommitAsync(Turn("p-done", 1, 1, [new WorkflowCompleted("1")]) with { Status = WorkflowRuntimeStatus.Completed, Output = "1", CloseAll = true }, default);

        Assert.False((await store.PurgeAsync("p-run", default)).Sent);
        Assert.False((await store.RecreateAsync(Row("p-run"), new WorkflowStarted("Flow", null), default)).Sent);

        var recreated = await store.RecreateAsync(Row("p-done") with { Input = "\"again\"" }, new WorkflowStarted("Flow", "\"again\""), default);
        Assert.Equal((true, WorkflowRuntimeStatus.Completed), (recreated.Sent, recreated.Status));
        var row = (await store.GetInstanceAsync("p-done", default))!;
        Assert.Equal((WorkflowRuntimeStatus.Pending, 3L, "\"again\""), (row.Status, row.Revision, row.Input));
        Assert.Empty(await store.GetHistoryAsync("p-done", default));
        Assert.IsType<WorkflowStarted>(Assert.Single(await store.GetMessagesAsync("p-done", 10, default)).Event);

        // The old run's activation can never commit over the new one.
        await Assert.ThrowsAsync<InstanceConflictException>(() => store.CommitAsync(Turn("p-done", 2, 2, []), default));

        for (var i = 0; i < 5; i++)
        {
            await store.CommitAsync(Create($"bulk-{i}", null), default);
            await store.CommitAsync(Turn($"bulk-{i}", 1, 1, [new WorkflowCompleted(null)]) with { Status = i < 3 ? WorkflowRuntimeStatus.Completed : WorkflowRuntimeStatus.Failed, CloseAll = true }, default);
        }

        var filter = new PurgeFilter(new PurgeQuery { InstanceIdPrefix = "bulk-" }, [WorkflowRuntimeStatus.Completed]);
        Assert.Equal(2, await store.PurgeAsync(filter, 2, default));
        Assert.Equal(1, await store.PurgeAsync(filter, 100, default));
        Assert.Equal(2, (await store.ListAsync(new WorkflowQuery { InstanceIdPrefix = "bulk-" }, default)).Items.Count);
        Assert.True((await store.PurgeAsync("bulk-4", default)).Sent);
        Assert.Null(await store.GetInstanceAsync("bulk-4", default));
        Assert.Empty(await store.GetHistoryAsync("bulk-4", default));
    }

    [SkippableFact]
    public async Task StatusEvents_AreLoggedInOrder_CursorsNeverMoveBack_AndPruneKeepsWhatIsUnread()
    {
        var store = await OpenAsync();
        var head = await store.GetLastStatusEventAsync(default);
        await store.CommitAsync(Create("se", null), default);
        await store.CommitAsync(Turn("se", 1, 1, [new ActivityCompleted(1, null)]), default); // Running → Running: not logged
        await store.CommitAsync(Turn("se", 2, 2, [new WorkflowCompleted(null)]) with { Status = WorkflowRuntimeStatus.Completed, CloseAll = true }, default);

        var events = await store.ReadStatusEventsAsync(head, 100, default);
        Assert.Equal(
            [(WorkflowRuntimeStatus.Pending, (WorkflowRuntimeStatus?)null), (WorkflowRuntimeStatus.Running, WorkflowRuntimeStatus.Pending), (WorkflowRuntimeStatus.Completed, WorkflowRuntimeStatus.Running)],
            events.Select(e => (e.RuntimeStatus, e.PreviousStatus)));
        Assert.Equal(events.Select(e => e.Sequence).Order(), events.Select(e => e.Sequence));
        Assert.Equal(events[^1].Sequence, await store.GetLastStatusEventAsync(default));

        await store.SetEventCursorAsync("hook", events[1].Sequence, default);
        await store.SetEventCursorAsync("hook", events[0].Sequence, default);
        Assert.Equal(events[1].Sequence, await store.GetEventCursorAsync("hook", default));
        Assert.Null(await store.GetEventCursorAsync("nobody", default));

        Assert.Equal(0, await store.PruneStatusEventsAsync(T0.AddSeconds(-1), default));
        Assert.Equal(2, await store.PruneStatusEventsAsync(T0.AddDays(1), default));
        Assert.Equal([events[2].Sequence], (await store.ReadStatusEventsAsync(0, 100, default)).Select(e => e.Sequence));
    }

    [SkippableFact]
    public async Task StatusEvents_FromSeveralWritersAtOnce_AreReadInTheOrderTheyBecomeVisible()
    {
        var writers = new[] { await OpenAsync(), await OpenAsync(), await OpenAsync() };
        var reader = await OpenAsync();
        var delivered = new List<long>();
        var cursor = 0L;
        var writing = Task.WhenAll(writers.Select((store, w) => Task.Run(async () =>
        {
            for (var i = 0; i < 40; i++)
            {
                await store.CommitAsync(Create($"order-{w}-{i}", null), default);
            }
        })));

        // A follower that reads after its cursor, as the event stream does, must see every event exactly once.
        while (!writing.IsCompleted || delivered.Count < 240)
        {
            foreach (var e in await reader.ReadStatusEventsAsync(cursor, 1000, default))
            {
                delivered.Add(e.Sequence);
                cursor = e.Sequence;
            }

            Assert.True(delivered.Count <= 240);
            if (writing.IsFaulted)
            {
                await writing;
            }
        }

        var all = (await reader.ReadStatusEventsAsync(0, 1000, default)).Select(e => e.Sequence).ToList();
        Assert.Equal(240, all.Count);
        Assert.Equal(all, delivered);
    }

    [SkippableFact]
    public async Task LargePayloads_AreStoredOnce_AndReadBackWhole()
    {
        var store = await OpenAsync();
        var big = "\"" + new string('x', (int)PayloadThreshold * 2) + "\"";
        await store.CommitAsync(Create("big", big) with { NewWorkItems = [new ActivityWork(1, "Act", big, "default")] }, default);
        await store.SendAsync("big", new EventRaised("e", big), _ => true, T0, default);
        await store.CommitAsync(Turn("big", 1, 1, [new ActivityScheduled(1, "Act", big, "default"), new WorkflowCompleted(big)])
            with { Status = WorkflowRuntimeStatus.Completed, Output = big }, default);

        var row = (await store.GetInstanceAsync("big", default))!;
        Assert.Equal((big, big), (row.Input, row.Output));
        Assert.Equal(big, Assert.IsType<WorkflowStarted>((await store.GetHistoryAsync("big", default))[0]).Input);
        Assert.Equal(big, Assert.IsType<WorkflowCompleted>((await store.GetHistoryAfterAsync("big", 1, 10, default)).Single().Event).Output);
        Assert.Equal(big, Assert.IsType<EventRaised>(Assert.Single(await store.GetMessagesAsync("big", 10, default)).Event).Input);
        Assert.Equal(big, (await store.ListAsync(new WorkflowQuery { InstanceIdPrefix = "big" }, default)).Items.Single().Output);
    }

    [SkippableFact]
    public async Task Overdue_AreUnfinishedInstancesWithAMessageDueBeforeTheCutOff()
    {
        var store = await OpenAsync();
        await store.CommitAsync(Create("late", null), default);
        await store.SendAsync("late", new EventRaised("e", null), _ => true, T0, default);
        await store.CommitAsync(Create("future", null) with { NewTimers = [new TimerWork(1, T0.AddHours(1))] }, default);
        await store.CommitAsync(Create("done", null), default);
        await store.CommitAsync(Turn("done", 1, 1, [new WorkflowCompleted(null)]) with { Status = WorkflowRuntimeStatus.Completed }, default);
        await store.SendAsync("done", new EventRaised("e", null), _ => true, T0, default);

        Assert.Equal(["late"], await store.FindOverdueInstancesAsync(T0.AddMinutes(1), 10, default));
        Assert.Equal(["future", "late"], (await store.FindOverdueInstancesAsync(T0.AddHours(2), 10, default)).Order());
    }

    [SkippableFact]
    public async Task History_IsReadInPages()
    {
        var store = await OpenAsync();
        await store.CommitAsync(Create("h", null), default);
        await store.CommitAsync(Turn("h", 1, 1, Enumerable.Range(1, 9).Select(i => (HistoryEvent)new ActivityCompleted(i, i.ToString())).ToList()), default);

        var first = await store.GetHistoryAfterAsync("h", -1, 4, default);
        Assert.Equal([0L, 1, 2, 3], first.Select(e => e.Position));
        var rest = await store.GetHistoryAfterAsync("h", first[^1].Position, 100, default);
        Assert.Equal(Enumerable.Range(4, 6).Select(i => (long)i), rest.Select(e => e.Position));
        Assert.Equal("9", Assert.IsType<ActivityCompleted>(rest[^1].Event).Result);
    }

    [SkippableFact]
    public async Task Reminders_AreKeptByGrainAndName_WithEtags_AndReadByHashRange()
    {
        await OpenAsync();
        var table = CreateReminderTable();
        await table.StartAsync();
        var grain = GrainId.Create("workflow", "r-1");
        var entry = new ReminderEntry { GrainId = grain, ReminderName = "wake", StartAt = T0, Period = TimeSpan.FromMinutes(1) };

        var etag = await table.UpsertRow(entry);
        var moved = await table.UpsertRow(new ReminderEntry { GrainId = grain, ReminderName = "wake", StartAt = T0.AddHours(1), Period = TimeSpan.FromMinutes(2) });
        Assert.NotEqual(etag, moved);
        var row = (await table.ReadRow(grain, "wake"))!;
        Assert.Equal((T0.AddHours(1), TimeSpan.FromMinutes(2), moved), (row.StartAt, row.Period, row.ETag));
        Assert.Single((await table.ReadRows(grain)).Reminders);

        var hash = grain.GetUniformHashCode();
        Assert.Single((await table.ReadRows(hash - 1, hash)).Reminders);
        Assert.Empty((await table.ReadRows(hash, hash == uint.MaxValue ? 0 : hash + 1)).Reminders);
        Assert.Single((await table.ReadRows(hash == uint.MaxValue ? 0u : hash + 1, hash)).Reminders); // wraps around

        Assert.False(await table.RemoveRow(grain, "wake", etag!));
        Assert.True(await table.RemoveRow(grain, "wake", moved!));
        Assert.Null(await table.ReadRow(grain, "wake"));
    }

    /// <summary>The store's reminder table, on the store <see cref="OpenAsync"/> opened first.</summary>
    private protected abstract IReminderTable CreateReminderTable();

    private protected IWorkflowStore FirstStore => _opened[0];

    private static InstanceRow Row(string id) => new(id, "Flow", WorkflowRuntimeStatus.Pending, T0, T0, null, null, null, null);
}
