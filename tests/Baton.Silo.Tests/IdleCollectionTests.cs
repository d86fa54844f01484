using Baton.Samples;

namespace Baton.Silo.Tests;

public sealed class IdleCollectionTests
{
    [Fact]
    public async Task WaitingInstance_CollectedWhileItsReminderWaits_ResumesByReplayWhenItFires()
    {
        // The wait is beyond the reminder threshold, so a reminder carries it and nothing keeps the grain in memory.
        await using var silo = await TestSilo.StartAsync(options: o => o.ReminderThreshold = TimeSpan.FromSeconds(1));
        var id = await silo.Client.StartAsync(nameof(Reminder), new ReminderRequest("collected", 4));
        await Eventually.WaitUntil(async () => (await silo.Client.GetStatusAsync(id))!.RuntimeStatus == WorkflowRuntimeStatus.Running);
        Assert.Equal(1, await silo.ActiveInstancesAsync());

        // Collected as Orleans collects idle grains: the waiting instance is rows on disk, not an activation; one reminder
        // (its second's timer bucket) carries its wait.
        // The bucket's reminder is registered after the commit that made the wait, so the test waits for it.
        await Eventually.WaitUntil(async () => await Db.ScalarAsync(silo.DatabasePath, "SELECT count(*) FROM reminders WHERE grain_id LIKE '%timerbucket%' AND $id IS NOT NULL", id) == 1);
        await silo.CollectIdleAsync();
        await Eventually.WaitUntil(async () => await silo.ActiveInstancesAsync() == 0);
        Assert.Equal(WorkflowRuntimeStatus.Running, (await silo.Client.GetStatusAsync(id))!.RuntimeStatus);

        var status = await silo.Client.WaitForCompletionAsync(id, Eventually.Timeout);

        Assert.Equal(WorkflowRuntimeStatus.Completed, status.RuntimeStatus);
        Assert.StartsWith("collected (sent ", status.ReadOutput<string>());

        // The instance held no reminder of its own: its second's timer bucket carried the wait, and its reminder is gone
        // once it has fired, so it neither ticks again nor stays in the table.
        Assert.Equal(0, await Db.ScalarAsync(silo.DatabasePath, "SELECT count(*) FROM reminders WHERE grain_id LIKE '%' || $id", id));
        await Eventually.WaitUntil(async () => await Db.ScalarAsync(silo.DatabasePath, "SELECT count(*) FROM reminders WHERE $id IS NOT NULL", id) == 0);
    }
}
