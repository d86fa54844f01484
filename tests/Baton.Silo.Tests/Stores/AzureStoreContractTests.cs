using Baton.Grains.Replay;
using Baton.Grains.Storage;
using Baton.History;
using Baton.Silo.Storage.Azure;
using Baton.TestingHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Orleans;
using Orleans.Configuration;
using Orleans.Hosting;

namespace Baton.Silo.Tests.Stores;

/// <summary>The store contract on Azure Storage (Azurite, which <c>./test.sh</c> starts), each test under a table prefix of its own.</summary>
public sealed class AzureStoreContractTests : StoreContract
{
    private readonly AzureStorageScope _scope = AzureStorageScope.Create();
    private ServiceProvider? _reminders;

    private protected override IWorkflowStore CreateStore()
    {
        Skip.If(AzureStorageScope.ConnectionString is null, AzureStorageScope.SkipReason);
        return new AzureWorkflowStore(new AzureStoreOptions { ConnectionString = AzureStorageScope.ConnectionString!, TablePrefix = _scope.TablePrefix }, PayloadThreshold);
    }

    [SkippableFact]
    public async Task ATurnWhoseSiloDiesAfterItsTransaction_IsFinishedOnce_ByTheSiloThatRecoversIt()
    {
        var dying = (AzureWorkflowStore)await OpenAsync();
        var survivor = (AzureWorkflowStore)await OpenAsync();
        await dying.CommitAsync(Create("sender", null), default);
        var head = await survivor.GetLastStatusEventAsync(default);

        // The last turn creates a child, messages a peer, writes more rows than a transaction holds and finishes the instance.
        dying.AfterTransaction = _ => throw new IOException("the silo died");
        var events = Enumerable.Range(1, 150).Select(i => (HistoryEvent)new ActivityCompleted(i, "1")).Append(new WorkflowCompleted("\"done\"")).ToList();
        await Assert.ThrowsAsync<IOException>(() => dying.CommitAsync(Turn("sender", 1, 1, events) with
        {
            Status = WorkflowRuntimeStatus.Completed,
            Output = "\"done\"",
            CloseAll = true,
            NewChildren = [new ChildWork(200, "sender:kid", "Child", 1, "\"c\"")],
            Outgoing = [new OutgoingMessage("peer", new EventRaised("ping", "1"))],
        }, default));
        Assert.Null(await survivor.GetInstanceAsync("sender:kid", default));
        Assert.Empty(await survivor.GetMessagesAsync("peer", 10, default));

        // A reader of the instance gets the whole turn (its rows beyond the transaction are written for it), but no effect.
        Assert.Equal(152, (await survivor.GetHistoryAsync("sender", default)).Count);
        Assert.Null(await survivor.GetInstanceAsync("sender:kid", default));

        // The dead silo still holds the finished instance, so the orphan scan finds it, and finishes the turn there.
        Assert.DoesNotContain("sender", await survivor.FindOrphanedInstancesAsync(["silo-b"], 10, default));
        Assert.Equal(WorkflowRuntimeStatus.Pending, (await survivor.GetInstanceAsync("sender:kid", default))!.Status);
        Assert.Single(await survivor.GetMessagesAsync("sender:kid", 10, default));
        Assert.Single(await survivor.GetMessagesAsync("peer", 10, default));
        Assert.Null((await survivor.GetInstanceAsync("sender", default))!.Owner);

        // Finishing it again (a second scan, the dead silo's own retry) changes nothing.
        await survivor.FindOrphanedInstancesAsync(["silo-b"], 10, default);
        Assert.Single(await survivor.GetMessagesAsync("peer", 10, default));
        var logged = await survivor.ReadStatusEventsAsync(head, 100, default);
        Assert.Single(logged, e => e.InstanceId == "sender" && e.RuntimeStatus == WorkflowRuntimeStatus.Completed);
        Assert.Single(logged, e => e.InstanceId == "sender:kid");
    }

    [SkippableFact]
    public async Task ATimerWhoseIdAnotherMessageHas_DrawsAnother_AndThatMessageStays()
    {
        var store = (AzureWorkflowStore)await OpenAsync();
        var due = T0.AddHours(1);
        var taken = AzureKeys.NewMessageId(due);
        var draws = new Queue<long>([taken, taken, taken]); // The second timer draws the first one's id twice before a free one.
        store.NewTimerId = at => draws.Count > 0 ? draws.Dequeue() : AzureKeys.NewMessageId(at);

        var first = await store.CommitAsync(Create("waiter", null) with { NewTimers = [new TimerWork(1, due)] }, default);
        var second = await store.CommitAsync(Turn("waiter", 1, 1, [new TimerCreated(2, due)]) with { NewTimers = [new TimerWork(2, due)] }, default);

        Assert.Equal(taken, Assert.Single(first.Timers).MessageId);
        Assert.NotEqual(taken, Assert.Single(second.Timers).MessageId);
        Assert.Empty(draws);
        var timers = (await store.GetMessagesAsync("waiter", 10, default)).Select(m => ((TimerFired)m.Event).StepId).Order();
        Assert.Equal([1, 2], timers);
    }

    /// <summary>Orleans' own Azure Table reminder table, as a silo on this profile uses it.</summary>
    private protected override IReminderTable CreateReminderTable()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton(NullLoggerFactory.Instance);
        services.Configure<ClusterOptions>(o => (o.ClusterId, o.ServiceId) = ("contract", _scope.TablePrefix));
        services.UseAzureTableReminderService(o =>
        {
            o.TableServiceClient = new Azure.Data.Tables.TableServiceClient(AzureStorageScope.ConnectionString);
            o.TableName = _scope.TablePrefix + "Reminders";
        });
        _reminders = services.BuildServiceProvider();
        return _reminders.GetRequiredService<IReminderTable>();
    }

    protected override async ValueTask DropDatabaseAsync()
    {
        if (_reminders is not null)
        {
            await _reminders.DisposeAsync();
            await new Azure.Data.Tables.TableServiceClient(AzureStorageScope.ConnectionString).DeleteTableAsync(_scope.TablePrefix + "Reminders");
        }

        await _scope.DisposeAsync();
    }
}
