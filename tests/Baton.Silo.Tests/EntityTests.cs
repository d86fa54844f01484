using Baton.History;

namespace Baton.Silo.Tests;

/// <summary>Durable entities: signalled and read by clients, called and locked by workflows, one operation at a time.</summary>
public sealed class EntityTests
{
    [Fact]
    public async Task Signals_FromClients_RunInOrder_AndAFailedOperationChangesNothing()
    {
        await using var silo = await TestSilo.StartAsync();
        var account = new EntityId("account", "signals");
        Assert.False((await silo.Client.GetEntityStateAsync<int>(account)).Exists);

        await silo.Client.SignalEntityAsync(account, "deposit", 10);
        await silo.Client.SignalEntityAsync(account, "withdraw", 25); // throws in the entity: the balance stays
        await silo.Client.SignalEntityAsync(account, "deposit", 5);
        await Eventually.WaitUntil(async () => (await silo.Client.GetEntityStateAsync<int>(account)).State == 15);

        var status = (await silo.Client.GetStatusAsync(account.InstanceId))!;
        Assert.Equal("@account", status.Name);
        await Assert.ThrowsAsync<WorkflowNotRegisteredException>(() => silo.Client.SignalEntityAsync(new EntityId("nosuch", "x"), "deposit", 1));
        await Assert.ThrowsAsync<ArgumentException>(() => silo.Client.SignalEntityAsync(new EntityId("acc@unt", "x"), "deposit", 1));
    }

    [Fact]
    public async Task Calls_FromManyWorkflowsAtOnce_AreAnsweredOnceEach_AndCarryThroughContinueAsNew()
    {
        const int workflows = 60; // 180 operations: the entity carries its state into a fresh run after every 100
        await using var silo = await TestSilo.StartAsync();
        var ids = await Task.WhenAll(Enumerable.Range(0, workflows).Select(_ => silo.Client.StartAsync(nameof(DepositTwice), "shared")));
        var answers = new List<int>();
        foreach (var id in ids)
        {
            answers.AddRange((await silo.Client.WaitForCompletionAsync(id, Eventually.Timeout)).ReadOutput<int[]>()!);
        }

        // Every call got its own answer: the balances after each deposit are distinct, as operations ran one at a time.
        Assert.Equal(2 * workflows, answers.Distinct().Count());
        var account = new EntityId("Account", "shared");
        await Eventually.WaitUntil(async () => (await silo.Client.GetEntityStateAsync<int>(account)).State == 3 * workflows);
        var history = (await silo.Client.GetStatusAsync(ids[0], includeHistory: true))!.History!;
        Assert.Equal(3, history.OfType<EventSent>().Count());
        // The entity's current run began with its start, even though operations were waiting when it continued as new.
        Assert.IsType<WorkflowStarted>((await silo.Client.GetStatusAsync(account.InstanceId, includeHistory: true))!.History![0]);
    }

    [Fact]
    public async Task Transfers_InCriticalSections_KeepTheTotal_AndNeverDeadlock()
    {
        await using var silo = await TestSilo.StartAsync();
        string[] accounts = ["t-a", "t-b", "t-c"];
        foreach (var account in accounts)
        {
            await silo.Client.SignalEntityAsync(new EntityId("account", account), "deposit", 100);
        }

        // Transfers in both directions over overlapping pairs, all at once: locks taken in a fixed order cannot deadlock.
        var transfers = await Task.WhenAll(Enumerable.Range(0, 30).Select(k => silo.Client.StartAsync(nameof(Transfer),
            new TransferRequest(accounts[k % 3], accounts[(k + 1 + k / 3 % 2) % 3], 10 + k))));
        foreach (var id in transfers)
        {
            await silo.Client.WaitForCompletionAsync(id, Eventually.Timeout);
        }

        var balances = await Task.WhenAll(accounts.Select(async a => (await silo.Client.GetEntityStateAsync<int>(new EntityId("account", a))).State));
        Assert.Equal(300, balances.Sum());
        Assert.All(balances, b => Assert.True(b >= 0));
    }

    [Fact]
    public async Task ACallToAFailingOperation_ThrowsIntoTheWorkflow()
    {
        await using var silo = await TestSilo.StartAsync();
        var id = await silo.Client.StartAsync(nameof(Transfer), new TransferRequest("f-empty", "f-other", 0));
        // Balance 0 >= 0, so it withdraws 0 and deposits 0: completes. Now an overdraft through a direct call:
        await silo.Client.WaitForCompletionAsync(id, Eventually.Timeout);
        var failing = await silo.Client.StartAsync(nameof(OverdraftWorkflow), "f-empty");
        var status = await silo.Client.WaitForCompletionAsync(failing, Eventually.Timeout);
        Assert.Equal("refused: cannot withdraw 5 from 0", status.ReadOutput<string>());
    }
}
