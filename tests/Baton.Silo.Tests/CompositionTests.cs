using Baton.History;

namespace Baton.Silo.Tests;

public sealed class CompositionTests
{
    [Fact]
    public async Task Saga_OnFailure_RunsTheCompensationsInReverse()
    {
        await using var silo = await TestSilo.StartAsync();
        var failing = await silo.Client.StartAsync(nameof(TripWorkflow), true);
        var fine = await silo.Client.StartAsync(nameof(TripWorkflow), false);

        Assert.Equal("compensated: cancel flight, cancel hotel", (await silo.Client.WaitForCompletionAsync(failing, Eventually.Timeout)).ReadOutput<string>());
        Assert.Equal("booked", (await silo.Client.WaitForCompletionAsync(fine, Eventually.Timeout)).ReadOutput<string>());
    }

    [Fact]
    public async Task Children_RunAsInstancesOfTheirOwn_AndTheirResultsReachTheParent()
    {
        await using var silo = await TestSilo.StartAsync();
        var id = await silo.Client.StartAsync(nameof(ParentWorkflow), new[] { 1, 2, 3 });

        var status = await silo.Client.WaitForCompletionAsync(id, Eventually.Timeout);

        Assert.Equal("sum 14", status.ReadOutput<string>());
        var child = (await silo.Client.GetStatusAsync($"{id}:1"))!;
        Assert.Equal((nameof(SquareChild), WorkflowRuntimeStatus.Completed, id), (child.Name, child.RuntimeStatus, child.ParentInstanceId));
    }

    [Fact]
    public async Task Children_AFailure_ReachesTheParentAsATypedException()
    {
        await using var silo = await TestSilo.StartAsync();
        var id = await silo.Client.StartAsync(nameof(ParentWorkflow), new[] { 1, -2 });

        var status = await silo.Client.WaitForCompletionAsync(id, Eventually.Timeout);

        Assert.Equal($"child {id}:1 failed: -2 is negative", status.ReadOutput<string>());
    }

    [Fact]
    public async Task Terminate_CascadesToChildren_AcrossARestart()
    {
        var path = TestSilo.NewDatabasePath();
        string id;
        await using (var first = await TestSilo.StartAsync(path))
        {
            id = await first.Client.StartAsync(nameof(WaitingParent));
            await Eventually.WaitUntil(async () => (await first.Client.GetStatusAsync($"{id}:0"))?.RuntimeStatus == WorkflowRuntimeStatus.Running);
        }

        await using var second = await TestSilo.StartAsync(path);
        await second.Client.TerminateAsync(id, "no longer needed");

        var parent = await second.Client.WaitForCompletionAsync(id, Eventually.Timeout);
        var child = await second.Client.WaitForCompletionAsync($"{id}:0", Eventually.Timeout);
        Assert.Equal(WorkflowRuntimeStatus.Terminated, parent.RuntimeStatus);
        Assert.Equal("no longer needed", parent.StatusReason);
        Assert.Equal(WorkflowRuntimeStatus.Terminated, child.RuntimeStatus);
        Assert.Contains("no longer needed", child.StatusReason, StringComparison.Ordinal);
        await Assert.ThrowsAsync<InvalidInstanceStateException>(() => second.Client.TerminateAsync(id, "again"));
    }

    [Fact]
    public async Task ContinueAsNew_TenThousandRuns_KeepsHistoryBounded_AndCarriesEventsOver()
    {
        await using var silo = await TestSilo.StartAsync();
        var id = await silo.Client.StartAsync(nameof(CounterWorkflow), new CounterState(0, 10_000));
        await Eventually.WaitUntil(async () => (await silo.Client.GetStatusAsync(id))!.ReadCustomStatus<int>() > 10);
        await silo.Client.RaiseEventAsync(id, "final", "carried");

        var status = await silo.Client.WaitForCompletionAsync(id, TimeSpan.FromMinutes(3));

        Assert.Equal("10000:carried", status.ReadOutput<string>());
        var history = (await silo.Client.GetStatusAsync(id, true))!.History!;
        Assert.True(history.Count <= 5, $"the last run's history has {history.Count} events");
        Assert.Equal(0, await Db.CountAsync(silo.DatabasePath, "messages", id));
        await Eventually.WaitUntil(async () => await silo.ActiveInstancesAsync() == 0);
    }

    [Fact]
    public async Task CustomStatus_IsReadable_AndQueryable()
    {
        await using var silo = await TestSilo.StartAsync();
        var id = await silo.Client.StartAsync(nameof(CallbackWorkflow), new CallbackRequest(0, 0));
        var token = await CallbackTests.TokenOf(silo, id);
        var status = await silo.Client.GetStatusAsync(id);

        var page = await silo.Client.ListAsync(new WorkflowQuery { CustomStatus = status!.CustomStatus });
        var none = await silo.Client.ListAsync(new WorkflowQuery { CustomStatus = "something else" });

        Assert.Equal(id, Assert.Single(page.Items).InstanceId);
        Assert.Equal(token, page.Items[0].ReadCustomStatus<TokenStatus>()!.Token);
        Assert.Empty(none.Items);
    }
}
