using Baton.Samples;

namespace Baton.Silo.Tests;

public sealed class IdleCollectionTests
{
    [Fact]
    public async Task WaitingInstance_CollectedWhenIdle_ResumesByReplayWhenTimerFires()
    {
        await using var silo = await TestSilo.StartAsync(options: o => o.IdleTimeout = TimeSpan.FromMilliseconds(300));
        var id = await silo.Client.StartAsync(nameof(Reminder), new ReminderRequest("collected", 3));
        await Eventually.WaitUntil(async () => (await silo.Client.GetStatusAsync(id))!.RuntimeStatus == WorkflowRuntimeStatus.Running);

        // While it waits, the instance is a row on disk, not an activation in memory.
        await Eventually.WaitUntil(() => Task.FromResult(silo.Runtime.ActiveInstances == 0));
        Assert.Equal(WorkflowRuntimeStatus.Running, (await silo.Client.GetStatusAsync(id))!.RuntimeStatus);

        var status = await silo.Client.WaitForCompletionAsync(id, Eventually.Timeout);
        Assert.Equal(WorkflowRuntimeStatus.Completed, status.RuntimeStatus);
        Assert.StartsWith("collected (sent ", status.ReadOutput<string>());
    }
}
