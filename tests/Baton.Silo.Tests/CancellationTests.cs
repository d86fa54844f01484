namespace Baton.Silo.Tests;

public sealed class CancellationTests
{
    [Fact]
    public async Task Cancel_ATimerAnEventWaitAndARunningActivity_RemovesTheirRows_AndSignalsTheActivity()
    {
        await using var silo = await TestSilo.StartAsync();
        var key = Guid.NewGuid().ToString();
        var id = await silo.Client.StartAsync(nameof(CancellingWorkflow), key);
        await Eventually.WaitUntil(() => Task.FromResult(Probe.Count(key) == 1));
        Assert.Equal(1, await Db.CountAsync(silo.DatabasePath, "messages", id, "step_id IS NOT NULL"));
        Assert.Equal(1, await Db.CountAsync(silo.DatabasePath, "work_items", id));

        await silo.Client.RaiseEventAsync(id, "cancel", "now");
        var status = await silo.Client.WaitForCompletionAsync(id, Eventually.Timeout);

        Assert.Equal("True/True/True", status.ReadOutput<string>());
        Assert.Equal(0, await Db.CountAsync(silo.DatabasePath, "messages", id));
        Assert.Equal(0, await Db.CountAsync(silo.DatabasePath, "work_items", id));
        await Eventually.WaitUntil(() => Task.FromResult(Probe.Count(key + "/cancelled") == 1));
    }

    [Fact]
    public async Task Terminate_SignalsTheInstancesRunningActivity_AndWithdrawsItsWorkItem()
    {
        await using var silo = await TestSilo.StartAsync();
        var key = Guid.NewGuid().ToString();
        var id = await silo.Client.StartAsync(nameof(CancellingWorkflow), key);
        await Eventually.WaitUntil(() => Task.FromResult(Probe.Count(key) == 1));

        await silo.Client.TerminateAsync(id, "stop");
        await silo.Client.WaitForCompletionAsync(id, Eventually.Timeout);

        await Eventually.WaitUntil(() => Task.FromResult(Probe.Count(key + "/cancelled") == 1));
        Assert.Equal(0, await Db.CountAsync(silo.DatabasePath, "work_items", id));
        Assert.Equal(0, await Db.CountAsync(silo.DatabasePath, "messages", id));
    }
}
