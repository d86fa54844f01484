using Baton.History;
using Baton.Samples;

namespace Baton.Silo.Tests;

public sealed class TimerTests
{
    [Fact]
    public async Task DurableTimer_FiresNoEarlierThanItsDueTime()
    {
        await using var silo = await TestSilo.StartAsync();
        var id = await silo.Client.StartAsync(nameof(TimerThenActivityWorkflow), 700);

        var status = await silo.Client.WaitForCompletionAsync(id, Eventually.Timeout);

        Assert.Equal(WorkflowRuntimeStatus.Completed, status.RuntimeStatus);
        Assert.True(double.Parse(status.ReadOutput<string>()!, System.Globalization.CultureInfo.InvariantCulture) >= 700);
        var history = (await silo.Client.GetStatusAsync(id, true))!.History!;
        var created = Assert.Single(history.OfType<TimerCreated>());
        var fired = history.Single(e => e is TimerFired);
        Assert.True(fired.Timestamp >= created.FireAt);
    }

    [Fact]
    public async Task DurableTimer_SiloStoppedWhileWaiting_FiresOnNextSilo()
    {
        var path = TestSilo.NewDatabasePath();
        string id;
        await using (var first = await TestSilo.StartAsync(path))
        {
            id = await first.Client.StartAsync(nameof(Reminder), new ReminderRequest("water the plants", 2));
            await Eventually.WaitUntil(async () => (await first.Client.GetStatusAsync(id, true))!.History!.OfType<TimerCreated>().Any());
        }

        await using var second = await TestSilo.StartAsync(path);
        var status = await second.Client.WaitForCompletionAsync(id, Eventually.Timeout);

        Assert.Equal(WorkflowRuntimeStatus.Completed, status.RuntimeStatus);
        Assert.StartsWith("water the plants (sent ", status.ReadOutput<string>());
    }

    [Fact]
    public async Task DurableTimer_BeyondTheReminderThreshold_IsFiredByAReminder()
    {
        // A threshold shorter than the wait: no timer in memory holds it, an Orleans reminder in the SQLite table does.
        await using var silo = await TestSilo.StartAsync(options: o => o.ReminderThreshold = TimeSpan.FromMilliseconds(200));
        var id = await silo.Client.StartAsync(nameof(TimerThenActivityWorkflow), 1200);

        var status = await silo.Client.WaitForCompletionAsync(id, Eventually.Timeout);

        Assert.Equal(WorkflowRuntimeStatus.Completed, status.RuntimeStatus);
        Assert.True(double.Parse(status.ReadOutput<string>()!, System.Globalization.CultureInfo.InvariantCulture) >= 1200);
    }
}
