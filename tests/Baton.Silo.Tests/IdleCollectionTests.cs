using Baton.Samples;

namespace Baton.Silo.Tests;

public sealed class IdleCollectionTests
{
    [Fact]
    public async Task InstanceWaitingOnlyOnATimer_IsParkedAtOnce_AndResumesByReplayWhenItsBucketFires()
    {
        // The wait is beyond the reminder threshold, so a timer bucket's reminder carries it, and the instance waits for
        // nothing else: its activation goes right after the turn, without waiting for Orleans' idle collection.
        await using var silo = await TestSilo.StartAsync(options: o => o.ReminderThreshold = TimeSpan.FromSeconds(1));
        var id = await silo.Client.StartAsync(nameof(Reminder), new ReminderRequest("collected", 4));
        await Eventually.WaitUntil(async () => (await silo.Client.GetStatusAsync(id))!.RuntimeStatus == WorkflowRuntimeStatus.Running);

        // The bucket's reminder is registered after the commit that made the wait, then the grain deactivates.
        await Eventually.WaitUntil(async () => await Db.ScalarAsync(silo.DatabasePath, "SELECT count(*) FROM reminders WHERE grain_id LIKE '%timerbucket%' AND $id IS NOT NULL", id) == 1);
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
