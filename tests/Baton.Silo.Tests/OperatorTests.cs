using Baton.History;
using Microsoft.Extensions.DependencyInjection;

namespace Baton.Silo.Tests;

public sealed class OperatorTests
{
    [Fact]
    public async Task Suspend_HoldsTimersAndEvents_AcrossARestart_UntilResume()
    {
        var path = TestSilo.NewDatabasePath();
        var start = DateTimeOffset.UtcNow;
        string id;
        await using (var first = await TestSilo.StartAsync(path, services: s => s.AddKeyedSingleton<TimeProvider>(BatonClock.ServiceKey, new ManualTimeProvider(start))))
        {
            id = await first.Client.StartAsync(nameof(SuspendableWorkflow));
            await Eventually.WaitUntil(async () => (await first.Client.GetStatusAsync(id, true))!.History!.OfType<TimerCreated>().Any());
            await first.Client.SuspendAsync(id, "maintenance");
            await Eventually.WaitUntil(async () => (await first.Client.GetStatusAsync(id))!.RuntimeStatus == WorkflowRuntimeStatus.Suspended);
            await first.Client.SuspendAsync(id, "twice"); // already suspended: nothing changes, as in Durable Functions
        }

        // The timer is due and an event arrives while suspended: both wait for the resume.
        var later = new ManualTimeProvider(start + TimeSpan.FromMinutes(5));
        await using var second = await TestSilo.StartAsync(path, services: s => s.AddKeyedSingleton<TimeProvider>(BatonClock.ServiceKey, later));
        await second.Client.RaiseEventAsync(id, "after", "the event");
        await Eventually.WaitUntil(async () => (await second.Client.GetStatusAsync(id, true))!.History!.OfType<EventRaised>().Any());
        var held = (await second.Client.GetStatusAsync(id, true))!;
        Assert.Equal(WorkflowRuntimeStatus.Suspended, held.RuntimeStatus);
        Assert.Contains(held.History!, e => e is TimerFired);

        await second.Client.ResumeAsync(id, "done");
        var status = await second.Client.WaitForCompletionAsync(id, Eventually.Timeout);

        Assert.Equal("resumed with the event", status.ReadOutput<string>());
        await Assert.ThrowsAsync<InvalidInstanceStateException>(() => second.Client.ResumeAsync(id, "finished"));
    }

    [Fact]
    public async Task Resume_ARunningInstance_AndSuspend_ASuspendedOne_SucceedAndChangeNothing()
    {
        await using var silo = await TestSilo.StartAsync();
        var id = await silo.Client.StartAsync(nameof(ApprovalWorkflow), 3600);
        await Eventually.WaitUntil(async () => (await silo.Client.GetStatusAsync(id))!.RuntimeStatus == WorkflowRuntimeStatus.Running);

        await silo.Client.ResumeAsync(id, "why not");
        Assert.Equal(0, await Db.CountAsync(silo.DatabasePath, "messages", id, "step_id IS NULL"));

        await silo.Client.SuspendAsync(id, "once");
        await Eventually.WaitUntil(async () => (await silo.Client.GetStatusAsync(id))!.RuntimeStatus == WorkflowRuntimeStatus.Suspended);
        var history = (await silo.Client.GetStatusAsync(id, includeHistory: true))!.History!.Count;
        await silo.Client.SuspendAsync(id, "twice");
        Assert.Equal(0, await Db.CountAsync(silo.DatabasePath, "messages", id, "step_id IS NULL"));
        Assert.Equal(history, (await silo.Client.GetStatusAsync(id, includeHistory: true))!.History!.Count);

        // A finished instance is still refused.
        await silo.Client.TerminateAsync(id, "done");
        await silo.Client.WaitForCompletionAsync(id, Eventually.Timeout);
        Assert.Equal(WorkflowRuntimeStatus.Terminated, (await Assert.ThrowsAsync<InvalidInstanceStateException>(() => silo.Client.ResumeAsync(id))).Status);
    }

    [Fact]
    public async Task Rewind_ReRunsTheFailedActivity_AndKeepsWhatSucceeded()
    {
        await using var silo = await TestSilo.StartAsync();
        var key = Guid.NewGuid().ToString();
        var id = await silo.Client.StartAsync(nameof(RewindableWorkflow), key);
        var failed = await silo.Client.WaitForCompletionAsync(id, Eventually.Timeout);
        Assert.Equal(WorkflowRuntimeStatus.Failed, failed.RuntimeStatus);
        Assert.Equal(1, Probe.Count(key + "/before"));

        await silo.Client.RewindAsync(id, "the outage is over");
        await Eventually.WaitUntil(async () => (await silo.Client.GetStatusAsync(id))!.RuntimeStatus != WorkflowRuntimeStatus.Failed);
        var status = await silo.Client.WaitForCompletionAsync(id, Eventually.Timeout);

        Assert.Equal("before, attempt 2", status.ReadOutput<string>());
        Assert.Equal(1, Probe.Count(key + "/before"));
        var history = (await silo.Client.GetStatusAsync(id, true))!.History!;
        Assert.DoesNotContain(history, e => e is ActivityFailed or WorkflowFailed);
        Assert.Single(history.OfType<WorkflowRewound>());
        await Assert.ThrowsAsync<InvalidInstanceStateException>(() => silo.Client.RewindAsync(id));
    }

    [Fact]
    public async Task Restart_UnderTheSameId_ReplacesTheHistory_AndUnderANewId_LeavesTheOriginal()
    {
        await using var silo = await TestSilo.StartAsync();
        var id = await silo.Client.StartAsync(nameof(EchoWorkflow), "again");
        await silo.Client.WaitForCompletionAsync(id, Eventually.Timeout);

        Assert.Equal(id, await silo.Client.RestartAsync(id));
        var restarted = await silo.Client.WaitForCompletionAsync(id, Eventually.Timeout);
        var copy = await silo.Client.RestartAsync(id, newInstanceId: true);
        var copied = await silo.Client.WaitForCompletionAsync(copy, Eventually.Timeout);

        Assert.Equal("again", restarted.ReadOutput<string>());
        Assert.Single((await silo.Client.GetStatusAsync(id, true))!.History!.OfType<WorkflowStarted>());
        Assert.NotEqual(id, copy);
        Assert.Equal("again", copied.ReadOutput<string>());
    }

    [Fact]
    public async Task Restart_ARunningInstanceUnderItsId_IsRefused()
    {
        await using var silo = await TestSilo.StartAsync();
        var id = await silo.Client.StartAsync(nameof(ApprovalWorkflow), 3600);

        await Assert.ThrowsAsync<InvalidInstanceStateException>(() => silo.Client.RestartAsync(id));
        await Assert.ThrowsAsync<InstanceNotFoundException>(() => silo.Client.RestartAsync("no-such-instance"));
    }

    [Fact]
    public async Task Purge_DeletesFinishedInstancesOnly_OneOrByFilter()
    {
        await using var silo = await TestSilo.StartAsync();
        var running = await silo.Client.StartAsync(nameof(ApprovalWorkflow), 3600, new StartWorkflowOptions { InstanceId = "purge-running" });
        var done = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            done.Add(await silo.Client.StartAsync(nameof(EchoWorkflow), "x", new StartWorkflowOptions { InstanceId = $"purge-done-{i}" }));
        }

        foreach (var id in done)
        {
            await silo.Client.WaitForCompletionAsync(id, Eventually.Timeout);
        }

        await Assert.ThrowsAsync<InvalidInstanceStateException>(() => silo.Client.PurgeAsync(running));
        await silo.Client.PurgeAsync(done[0]);
        var purged = await silo.Client.PurgeAsync(new PurgeQuery { InstanceIdPrefix = "purge-" });
        await Assert.ThrowsAsync<ArgumentException>(() => silo.Client.PurgeAsync(new PurgeQuery { Statuses = [WorkflowRuntimeStatus.Running] }));

        Assert.Equal(2, purged);
        Assert.Null(await silo.Client.GetStatusAsync(done[0]));
        Assert.Equal(0, await Db.CountAsync(silo.DatabasePath, "history", done[1]));
        Assert.True(await Db.CountAsync(silo.DatabasePath, "history", running) > 0);
        // History is keyed by the instance's number: a purge that left rows behind would leave them under no instance.
        Assert.Equal(0, await Db.ScalarAsync(silo.DatabasePath, "SELECT count(*) FROM history WHERE instance_number NOT IN (SELECT number FROM instances)", ""));
        Assert.Equal(WorkflowRuntimeStatus.Running, (await silo.Client.GetStatusAsync(running))!.RuntimeStatus);
        await Assert.ThrowsAsync<InstanceNotFoundException>(() => silo.Client.PurgeAsync(done[0]));
    }
}

/// <summary>Runs a step, then an activity that fails once.</summary>
public sealed class RewindableWorkflow : Workflow<string, string>
{
    public override async Task<string> RunAsync(IWorkflowContext context, string key)
    {
        var before = await context.StepAsync("before", () => Task.FromResult($"before{Probe.Next(key + "/before") * 0}"));
        var attempt = await context.CallActivityAsync<int>(nameof(FlakyActivity), new FlakyRequest(key, 1));
        return $"{before[..6]}, attempt {attempt}";
    }
}
