using Baton.History;

namespace Baton.Silo.Tests;

public sealed class EventTests
{
    [Fact]
    public async Task Event_RaisedBeforeTheWait_IsKept_AndSurvivesARestart()
    {
        var path = TestSilo.NewDatabasePath();
        string id;
        await using (var first = await TestSilo.StartAsync(path))
        {
            id = await first.Client.StartAsync(nameof(OrderedEventsWorkflow));
            await Eventually.WaitUntil(async () => (await first.Client.GetStatusAsync(id))!.RuntimeStatus == WorkflowRuntimeStatus.Running);
            await first.Client.RaiseEventAsync(id, "data", "one");
            await first.Client.RaiseEventAsync(id, "Data", "two");
            await Eventually.WaitUntil(async () => (await first.Client.GetStatusAsync(id, true))!.History!.OfType<EventRaised>().Count() == 2);
        }

        await using var second = await TestSilo.StartAsync(path);
        await second.Client.RaiseEventAsync(id, "go", "go");
        var status = await second.Client.WaitForCompletionAsync(id, Eventually.Timeout);

        Assert.Equal("go:one:two", status.ReadOutput<string>());
    }

    [Fact]
    public async Task WaitForEvent_TimesOut_WithATypedExceptionTheWorkflowCatches()
    {
        var clock = new ManualTimeProvider(DateTimeOffset.UtcNow);
        await using var silo = await TestSilo.StartAsync(services: s => Microsoft.Extensions.DependencyInjection.ServiceCollectionServiceExtensions.AddKeyedSingleton<TimeProvider>(s, BatonClock.ServiceKey, clock));
        var id = await silo.Client.StartAsync(nameof(ApprovalWorkflow), 3600);
        await Eventually.WaitUntil(async () => (await silo.Client.GetStatusAsync(id, true))!.History!.OfType<EventWaitStarted>().Any());

        clock.Advance(TimeSpan.FromHours(2));
        var status = await silo.Client.WaitForCompletionAsync(id, Eventually.Timeout);

        Assert.Equal("timed out", status.ReadOutput<string>());
    }

    [Fact]
    public async Task Event_Answered_RemovesTheTimeoutTimer()
    {
        await using var silo = await TestSilo.StartAsync();
        var id = await silo.Client.StartAsync(nameof(ApprovalWorkflow), 3600);
        await Eventually.WaitUntil(async () => await Db.CountAsync(silo.DatabasePath, "messages", id, "step_id IS NOT NULL") == 1);

        await silo.Client.RaiseEventAsync(id, "APPROVAL", "ada");
        var status = await silo.Client.WaitForCompletionAsync(id, Eventually.Timeout);

        Assert.Equal("approved by ada", status.ReadOutput<string>());
        Assert.Equal(0, await Db.CountAsync(silo.DatabasePath, "messages", id));
    }

    [Fact]
    public async Task Event_ForAFinishedOrUnknownInstance_IsRefused_AndNothingIsWritten()
    {
        await using var silo = await TestSilo.StartAsync();
        var id = await silo.Client.StartAsync(nameof(EchoWorkflow), "done");
        await silo.Client.WaitForCompletionAsync(id, Eventually.Timeout);

        var finished = await Assert.ThrowsAsync<InvalidInstanceStateException>(() => silo.Client.RaiseEventAsync(id, "late", 1));
        await Assert.ThrowsAsync<InstanceNotFoundException>(() => silo.Client.RaiseEventAsync("no-such-instance", "late", 1));

        Assert.Equal(WorkflowRuntimeStatus.Completed, finished.Status);
        Assert.Equal(0, await Db.CountAsync(silo.DatabasePath, "messages", id));
        Assert.Equal(0, await Db.CountAsync(silo.DatabasePath, "messages", "no-such-instance"));
    }
}
