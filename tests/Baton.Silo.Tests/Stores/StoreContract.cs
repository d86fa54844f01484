using Baton.Grains.Replay;
using Baton.Grains.Storage;
using Baton.History;

namespace Baton.Silo.Tests.Stores;

/// <summary>
/// What every workflow store promises the runtime, tested the same way on each store: fenced commits, messages, callbacks,
/// work claims, recovery queries, listing, purging, the status event log, large payloads and the reminder rows.
/// </summary>
public abstract partial class StoreContract : IAsyncLifetime
{
    /// <summary>Small enough that a test payload is offloaded.</summary>
    protected const long PayloadThreshold = 1024;

    private readonly List<IWorkflowStore> _opened = [];
    private protected static readonly DateTime T0 = new(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    /// <summary>Opens a store on this test's database; each call opens another store (as another silo would) on the same one.</summary>
    private protected abstract IWorkflowStore CreateStore();

    /// <summary>Removes this test's database.</summary>
    protected abstract ValueTask DropDatabaseAsync();

    private protected async Task<IWorkflowStore> OpenAsync()
    {
        var store = CreateStore();
        _opened.Add(store);
        await store.InitializeAsync(default);
        return store;
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var store in _opened)
        {
            await store.DisposeAsync();
        }

        await DropDatabaseAsync();
    }

    [SkippableFact]
    public async Task Commit_CreatesAnInstance_AndACommitOnAnOldRevisionWritesNothing()
    {
        var store = await OpenAsync();
        await store.CommitAsync(Create("c-1", "\"in\""), default);
        var row = (await store.GetInstanceAsync("c-1", default))!;
        Assert.Equal((WorkflowRuntimeStatus.Running, 1L, "silo-a", "\"in\""), (row.Status, row.Revision, row.Owner, row.Input));

        await store.CommitAsync(Turn("c-1", 1, 1, [new ActivityCompleted(1, "2")]), default);
        await Assert.ThrowsAsync<InstanceConflictException>(() => store.CommitAsync(Turn("c-1", 1, 2, [new ActivityCompleted(2, "3")]), default));
        await Assert.ThrowsAsync<InstanceAlreadyExistsException>(() => store.CommitAsync(Create("c-1", null), default));

        Assert.Equal(2, (await store.GetHistoryAsync("c-1", default)).Count);
        Assert.Equal(2L, (await store.GetInstanceAsync("c-1", default))!.Revision);
    }

    [SkippableFact]
    public async Task ConcurrentCommits_OnOneRevision_ExactlyOneWins()
    {
        var store = await OpenAsync();
        var other = await OpenAsync();
        await store.CommitAsync(Create("race", null), default);

        var attempts = Enumerable.Range(0, 20).Select(async i =>
        {
            try
            {
                await (i % 2 == 0 ? store : other).CommitAsync(Turn("race", 1, 1, [new ActivityCompleted(1, i.ToString())]), default);
                return true;
            }
            catch (InstanceConflictException)
            {
                return false;
            }
        });

        Assert.Single(await Task.WhenAll(attempts), won => won);
        Assert.Equal(2, (await store.GetHistoryAsync("race", default)).Count);
    }

    [SkippableFact]
    public async Task AFencedOffCommit_AmongOthersSharingItsTransaction_FailsAlone()
    {
        var store = await OpenAsync();
        var ids = Enumerable.Range(0, 9).Select(i => $"group-{i}").ToArray();
        await Task.WhenAll(ids.Select(id => store.CommitAsync(Create(id, null), default)));

        // Queued together, so that they share a transaction: every third names a revision that has moved on.
        var commits = ids.Select((id, i) => store.CommitAsync(Turn(id, i % 3 == 1 ? 0 : 1, 1, [new ActivityCompleted(1, "1")]) with
        {
            NewTimers = [new TimerWork(1, T0.AddMinutes(i))],
        }, default)).ToArray();
        await Task.WhenAll(commits.Select(async c =>
        {
            try
            {
                await c;
            }
            catch (InstanceConflictException)
            {
            }
        }));

        for (var i = 0; i < ids.Length; i++)
        {
            var fenced = i % 3 == 1;
            Assert.True(fenced == commits[i].IsFaulted, $"{ids[i]}: {commits[i].Exception?.InnerException}");
            Assert.Equal(fenced ? 1 : 2, (await store.GetHistoryAsync(ids[i], default)).Count);
            Assert.Equal(fenced ? 0 : 1, (await store.GetMessagesAsync(ids[i], 10, default)).Count);
            if (!fenced)
            {
                var timer = Assert.Single((await commits[i]).Timers);
                Assert.Equal((ids[i], T0.AddMinutes(i)), (timer.InstanceId, timer.FireAt));
                Assert.Equal(timer.MessageId, Assert.Single(await store.GetMessagesAsync(ids[i], 10, default)).Id);
            }
        }
    }

    [SkippableFact]
    public async Task Commit_WritesWorkTimersCallbacksChildrenAndMessages_AndCloseAllRemovesThem()
    {
        var store = await OpenAsync();
        await store.CommitAsync(Create("parent", null), default);
        var fireAt = T0.AddHours(1);
        var outcome = await store.CommitAsync(Turn("parent", 1, 1, [new TimerCreated(1, fireAt)]) with
        {
            NewWorkItems = [new ActivityWork(2, "Act", "1", "default", TimeSpan.FromSeconds(5))],
            NewTimers = [new TimerWork(1, fireAt)],
            NewCallbacks = [new CallbackWork(3, "token-1")],
            NewChildren = [new ChildWork(4, "parent:child", "Child", 1, "\"c\"")],
            Outgoing = [new OutgoingMessage("other", new EventRaised("ping", "1"))],
        }, default);

        var timer = Assert.Single(outcome.Timers);
        Assert.Equal(("parent", 1, fireAt), (timer.InstanceId, timer.StepId, timer.FireAt));
        Assert.Equal(["other", "parent:child"], outcome.MessagedInstances.Order());
        Assert.Contains(await store.GetMessagesAsync("parent", 10, default), m => m.Id == timer.MessageId && m.Event is TimerFired { StepId: 1 } && m.VisibleAt == fireAt);
        var child = (await store.GetInstanceAsync("parent:child", default))!;
        Assert.Equal((WorkflowRuntimeStatus.Pending, "parent", "\"c\""), (child.Status, child.ParentInstanceId, child.Input));
        Assert.IsType<WorkflowStarted>(Assert.Single(await store.GetMessagesAsync("parent:child", 10, default)).Event);
        Assert.Equal(CallbackOutcome.Delivered, await store.SendToCallbackAsync("token-1", "parent", new CallbackHeartbeat(3), usesUp: false, T0, default));

        // A second child under the same id is answered with a failure instead of a second instance.
        await store.CommitAsync(Turn("parent", 2, 2, [new ActivityCompleted(2, "1")]) with { NewChildren = [new ChildWork(5, "parent:child", "Child", 1, null)] }, default);
        Assert.Contains(await store.GetMessagesAsync("parent", 10, default), m => m.Event is ChildWorkflowFailed { StepId: 5 });

        await store.CommitAsync(Turn("parent", 3, 3, [new WorkflowCompleted("1")]) with { Status = WorkflowRuntimeStatus.Completed, Output = "1", CloseAll = true }, default);
        Assert.DoesNotContain(await store.GetMessagesAsync("parent", 10, default), m => m.Event is TimerFired);
        Assert.Empty(await store.ClaimWorkItemsAsync("silo-b", ["default"], [], 10, default));
        Assert.Equal(CallbackOutcome.NotPending, await store.SendToCallbackAsync("token-1", "parent", new CallbackHeartbeat(3), usesUp: false, T0, default));
        var done = (await store.GetInstanceAsync("parent", default))!;
        Assert.Equal((WorkflowRuntimeStatus.Completed, "1", (string?)null), (done.Status, done.Output, done.Owner));
        Assert.NotNull(done.CompletedAt);
    }

    [SkippableFact]
    public async Task Send_WritesOnlyWhenTheStatusAllowsIt()
    {
        var store = await OpenAsync();
        Assert.False((await store.SendAsync("missing", new EventRaised("e", null), _ => true, T0, default)).Found);
        await store.CommitAsync(Create("s-1", null), default);

        var refused = await store.SendAsync("s-1", new EventRaised("e", "1"), s => s.IsTerminal(), T0, default);
        Assert.Equal((true, WorkflowRuntimeStatus.Running, false), (refused.Found, refused.Status, refused.Sent));
        Assert.Empty(await store.GetMessagesAsync("s-1", 10, default));

        Assert.True((await store.SendAsync("s-1", new EventRaised("e", "2"), _ => true, T0, default)).Sent);
        var message = Assert.Single(await store.GetMessagesAsync("s-1", 10, default));
        Assert.Equal("2", Assert.IsType<EventRaised>(message.Event).Input);
    }

    [SkippableFact]
    public async Task Callback_IsUsedUpByItsFirstCompletion()
    {
        var store = await OpenAsync();
        await store.CommitAsync(Create("cb", null) with { NewCallbacks = [new CallbackWork(1, "tok")] }, default);

        var results = await Task.WhenAll(Enumerable.Range(0, 6).Select(i =>
            store.SendToCallbackAsync("tok", "cb", new CallbackCompleted(1, i.ToString()), usesUp: true, T0, default)));
        Assert.Single(results, r => r == CallbackOutcome.Delivered);
        Assert.Equal(CallbackOutcome.NotPending, await store.SendToCallbackAsync("tok", "other-instance", new CallbackCompleted(1, "x"), usesUp: true, T0, default));
        Assert.Single(await store.GetMessagesAsync("cb", 10, default));
    }

    [SkippableFact]
    public async Task WorkItems_AreClaimedByOneSilo_ReclaimedFromADeadOne_AndAnsweredOnce()
    {
        var store = await OpenAsync();
        await store.CommitAsync(Create("w-1", null) with { NewWorkItems = [new ActivityWork(1, "Act", "7", "gpu")] }, default);
        Assert.Empty(await store.ClaimWorkItemsAsync("silo-a", ["default"], ["silo-a"], 10, default));

        var first = Assert.Single(await store.ClaimWorkItemsAsync("silo-a", ["gpu"], ["silo-a"], 10, default));
        Assert.Equal(("w-1", 1, "Act", "7", 1), (first.InstanceId, first.StepId, first.Name, first.Input, first.Delivery));
        Assert.Empty(await store.ClaimWorkItemsAsync("silo-b", ["gpu"], ["silo-a", "silo-b"], 10, default));

        // silo-a died: the item is leased again, as a second delivery.
        var second = Assert.Single(await store.ClaimWorkItemsAsync("silo-b", ["gpu"], ["silo-b"], 10, default));
        Assert.Equal(2, second.Delivery);

        Assert.True(await store.DeliverResultAsync(second, new ActivityCompleted(1, "49"), T0, default));
        Assert.False(await store.DeliverResultAsync(first, new ActivityCompleted(1, "49"), T0, default));
        Assert.Single(await store.GetMessagesAsync("w-1", 10, default));
    }

    [SkippableFact]
    public async Task ConcurrentClaims_FromSeveralSilos_LeaseEachItemOnce()
    {
        var silos = new[] { await OpenAsync(), await OpenAsync(), await OpenAsync() };
        await silos[0].CommitAsync(Create("many", null) with
        {
            NewWorkItems = Enumerable.Range(1, 60).Select(i => new ActivityWork(i, "Act", null, "shared")).ToList(),
        }, default);

        var claims = await Task.WhenAll(silos.SelectMany((store, s) => Enumerable.Range(0, 4).Select(_ =>
            store.ClaimWorkItemsAsync($"silo-{s}", ["shared"], ["silo-0", "silo-1", "silo-2"], 7, default))));
        var claimed = claims.SelectMany(c => c).Select(w => w.StepId).ToList();
        Assert.Equal(claimed.Count, claimed.Distinct().Count());
        Assert.Equal(claimed.Count, claims.Sum(c => c.Count));
    }

    [SkippableFact]
    public async Task Orphans_AreInstancesWithPendingWorkOwnedByNoLiveSilo()
    {
        var store = await OpenAsync();
        await store.CommitAsync(Create("o-busy", null), default);
        await store.SendAsync("o-busy", new EventRaised("e", null), _ => true, T0, default);
        await store.CommitAsync(Create("o-idle", null), default);

        Assert.Equal(["o-busy"], await store.FindOrphanedInstancesAsync(["silo-x"], 10, default));
        Assert.Empty(await store.FindOrphanedInstancesAsync(["silo-a"], 10, default));

        var revision = await store.ClaimInstanceAsync("o-busy", 1, "silo-x", default);
        Assert.Equal(2, revision);
        await Assert.ThrowsAsync<InstanceConflictException>(() => store.ClaimInstanceAsync("o-busy", 1, "silo-y", default));
        Assert.Empty(await store.FindOrphanedInstancesAsync(["silo-x"], 10, default));

        // Released (only reminders carry it), an instance is left alone until a message marks it again.
        await store.ReleaseInstanceAsync("o-idle", 1, default);
        Assert.Null((await store.GetInstanceAsync("o-idle", default))!.Owner);
        await store.SendAsync("o-idle", new EventRaised("e", null), _ => true, T0, default);
        Assert.Equal("", (await store.GetInstanceAsync("o-idle", default))!.Owner);
        Assert.Contains("o-idle", await store.FindOrphanedInstancesAsync(["silo-x"], 10, default));
    }

    [SkippableFact]
    public async Task ATurnThatConsumesATimerAndClosesEverything_Commits()
    {
        var store = await OpenAsync();
        var outcome = await store.CommitAsync(Create("closing", null) with { NewTimers = [new TimerWork(1, T0)], NewWorkItems = [new ActivityWork(2, "Act", null, "default")] }, default);
        var timer = Assert.Single(outcome.Timers);

        // The timer's message is both consumed and closed by this turn: the store must write it once.
        await store.CommitAsync(Turn("closing", 1, 1, [new TimerFired(1), new WorkflowCompleted(null)]) with
        {
            Status = WorkflowRuntimeStatus.Completed,
            ConsumedMessages = [timer.MessageId],
            ConsumedWorkItems = [2],
            ClosedSteps = [1, 2],
            CloseAll = true,
        }, default);

        Assert.Equal(WorkflowRuntimeStatus.Completed, (await store.GetInstanceAsync("closing", default))!.Status);
        Assert.Empty(await store.GetMessagesAsync("closing", 10, default));
    }

    [SkippableFact]
    public async Task ATurnThatClosesSomeSteps_RemovesTheirWork_AndLeavesTheOthers()
    {
        var store = await OpenAsync();
        var outcome = await store.CommitAsync(Create("some", null) with
        {
            NewTimers = [new TimerWork(1, T0), new TimerWork(2, T0.AddHours(1))],
            NewCallbacks = [new CallbackWork(3, "some-token")],
            NewWorkItems = [new ActivityWork(4, "Act", null, "some"), new ActivityWork(5, "Act", null, "some"), new ActivityWork(6, "Act", null, "some")],
        }, default);
        var timers = outcome.Timers.OrderBy(t => t.StepId).ToList();
        await store.SendAsync("some", new EventRaised("e", null), _ => true, T0, default);

        // Timer 1 fired and activity 4 answered; the workflow gave up on timer 2, the callback and activity 5.
        await store.CommitAsync(Turn("some", 1, 1, [new TimerFired(1), new ActivityCompleted(4, null)]) with
        {
            ConsumedMessages = [timers[0].MessageId],
            ConsumedWorkItems = [4],
            ClosedSteps = [2, 3, 5],
        }, default);

        var message = Assert.Single(await store.GetMessagesAsync("some", 10, default));
        Assert.IsType<EventRaised>(message.Event);
        Assert.Equal(CallbackOutcome.NotPending, await store.SendToCallbackAsync("some-token", "some", new CallbackHeartbeat(3), usesUp: false, T0, default));
        Assert.Equal([6], (await store.ClaimWorkItemsAsync("silo-b", ["some"], ["silo-b"], 10, default)).Select(w => w.StepId));
        Assert.Equal(3, (await store.GetHistoryAsync("some", default)).Count);
    }

    [SkippableFact]
    public async Task ATurnThatAnswersAStep_AndSchedulesThatStepAgain_KeepsTheNewWorkItem()
    {
        var store = await OpenAsync();
        await store.CommitAsync(Create("again", null) with { NewWorkItems = [new ActivityWork(1, "Act", "\"first\"", "again")] }, default);

        // An attempt of step 1 answered and another attempt scheduled, with step 2 beside it, in one turn.
        await store.CommitAsync(Turn("again", 1, 1, [new ActivityCompleted(1, null)]) with
        {
            ConsumedWorkItems = [1],
            NewWorkItems = [new ActivityWork(1, "Act", "\"second\"", "again"), new ActivityWork(2, "Act", "\"other\"", "again")],
        }, default);

        var claimed = await store.ClaimWorkItemsAsync("silo-b", ["again"], ["silo-b"], 10, default);
        Assert.Equal([(1, "\"second\""), (2, "\"other\"")], claimed.Select(w => (w.StepId, w.Input)).OrderBy(w => w.StepId));
    }

    [SkippableFact]
    public async Task TurnsThatNameTheirPreviousStatus_LogAStatusEventOnlyWhenItChanges()
    {
        var store = await OpenAsync();
        await store.CommitAsync(Create("named", null) with { PreviousStatus = WorkflowRuntimeStatus.Pending }, default);
        await store.CommitAsync(Turn("named", 1, 1, [new TimerFired(1)]) with { PreviousStatus = WorkflowRuntimeStatus.Running }, default);
        await store.CommitAsync(Turn("named", 2, 2, [new ActivityCompleted(2, null)]) with
        {
            PreviousStatus = WorkflowRuntimeStatus.Running,
            CustomStatusChanged = true,
            CustomStatus = "\"halfway\"",
        }, default);
        await store.CommitAsync(Turn("named", 3, 3, [new WorkflowCompleted("1")]) with
        {
            PreviousStatus = WorkflowRuntimeStatus.Running,
            Status = WorkflowRuntimeStatus.Completed,
            Output = "1",
            CloseAll = true,
        }, default);

        var logged = await store.ReadStatusEventsAsync(0, 100, default);
        Assert.Equal(
            [(WorkflowRuntimeStatus.Pending, (WorkflowRuntimeStatus?)null), (WorkflowRuntimeStatus.Running, WorkflowRuntimeStatus.Pending), (WorkflowRuntimeStatus.Completed, WorkflowRuntimeStatus.Running)],
            logged.Where(e => e.InstanceId == "named").Select(e => (e.RuntimeStatus, e.PreviousStatus)));
        var row = (await store.GetInstanceAsync("named", default))!;
        Assert.Equal((WorkflowRuntimeStatus.Completed, "\"halfway\"", 4L), (row.Status, row.CustomStatus, row.Revision));
    }

    [SkippableFact]
    public async Task AHistoryReset_LeavesExactlyTheNewEvents()
    {
        var store = await OpenAsync();
        await store.CommitAsync(Create("reset", null), default);
        await store.CommitAsync(Turn("reset", 1, 1, Enumerable.Range(1, 5).Select(i => (HistoryEvent)new ActivityCompleted(i, "1")).ToList()), default);

        // Continue-as-new: the old run's history goes, whatever position the turn names; the new run starts from its inbox.
        await store.CommitAsync(Turn("reset", 2, 6, []) with { HistoryReset = true, CloseAll = true, Status = WorkflowRuntimeStatus.ContinuedAsNew }, default);
        Assert.Empty(await store.GetHistoryAsync("reset", default));

        await store.CommitAsync(Turn("reset", 3, 0, [new WorkflowStarted("Flow", "2")]), default);
        var history = await store.GetHistoryAsync("reset", default);
        Assert.Equal("2", Assert.IsType<WorkflowStarted>(Assert.Single(history)).Input);
    }

    [SkippableFact]
    public async Task AFanOutTurn_BeyondATransactionsSize_CommitsWhole()
    {
        var store = await OpenAsync();
        await store.CommitAsync(Create("wide", null), default);
        const int width = 250;
        var events = Enumerable.Range(1, width).Select(i => (HistoryEvent)new ActivityScheduled(i, "Act", i.ToString(), "wide")).ToList();
        await store.CommitAsync(Turn("wide", 1, 1, events) with
        {
            NewWorkItems = Enumerable.Range(1, width).Select(i => new ActivityWork(i, "Act", i.ToString(), "wide")).ToList(),
            NewTimers = [new TimerWork(width + 1, T0.AddHours(1))],
            Outgoing = [new OutgoingMessage("wide-peer", new EventRaised("ping", "1"))],
        }, default);

        var history = await store.GetHistoryAsync("wide", default);
        Assert.Equal(width + 1, history.Count);
        Assert.Equal(Enumerable.Range(1, width), history.OfType<ActivityScheduled>().Select(e => e.StepId));
        Assert.Single(await store.GetMessagesAsync("wide", 10, default));
        Assert.Single(await store.GetMessagesAsync("wide-peer", 10, default));
        var claimed = await store.ClaimWorkItemsAsync("silo-b", ["wide"], ["silo-b"], 1000, default);
        Assert.Equal(Enumerable.Range(1, width), claimed.Select(w => w.StepId).Order());
        Assert.Equal(2L, (await store.GetInstanceAsync("wide", default))!.Revision);
    }

    private protected static InstanceCommit Create(string id, string? input, string name = "Flow", DateTime? at = null) => new()
    {
        InstanceId = id,
        ExpectedRevision = 0,
        Owner = "silo-a",
        NewInstance = new InstanceRow(id, name, WorkflowRuntimeStatus.Pending, at ?? T0, at ?? T0, null, input, null, null),
        FirstPosition = 0,
        NewEvents = [new WorkflowStarted(name, input)],
        Status = WorkflowRuntimeStatus.Running,
        Now = at ?? T0,
        ConsumedMessages = [],
        ConsumedWorkItems = [],
        NewWorkItems = [],
        LocalQueues = new HashSet<string>(),
        NewTimers = [],
    };

    private protected static InstanceCommit Turn(string id, long revision, int firstPosition, IReadOnlyList<HistoryEvent> events) => new()
    {
        InstanceId = id,
        ExpectedRevision = revision,
        Owner = "silo-a",
        FirstPosition = firstPosition,
        NewEvents = events,
        Status = WorkflowRuntimeStatus.Running,
        Now = T0.AddSeconds(revision),
        ConsumedMessages = [],
        ConsumedWorkItems = [],
        NewWorkItems = [],
        LocalQueues = new HashSet<string>(),
        NewTimers = [],
    };
}
