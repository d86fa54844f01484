using Baton.Samples;
using Microsoft.Extensions.DependencyInjection;

namespace Baton.Silo.Tests;

public sealed class IdleCollectionTests
{
    [Fact]
    public async Task WaitingInstance_CollectedWhenIdle_ResumesByReplayWhenTimerFires()
    {
        // A manual clock: idleness and the timer move only when the test says so.
        var clock = new ManualTimeProvider(new DateTimeOffset(2026, 2, 1, 0, 0, 0, TimeSpan.Zero));
        await using var silo = await TestSilo.StartAsync(
            options: o => o.IdleTimeout = TimeSpan.FromSeconds(30),
            services: s => s.AddSingleton<TimeProvider>(clock));
        var id = await silo.Client.StartAsync(nameof(Reminder), new ReminderRequest("collected", 3600));
        await Eventually.WaitUntil(async () => (await silo.Client.GetStatusAsync(id))!.RuntimeStatus == WorkflowRuntimeStatus.Running);
        Assert.Equal(1, silo.Runtime.ActiveInstances);

        // Past the idle timeout, the waiting instance is a row on disk, not an activation in memory.
        clock.Advance(TimeSpan.FromMinutes(1));
        await Eventually.WaitUntil(() => Task.FromResult(silo.Runtime.ActiveInstances == 0));
        Assert.Equal(WorkflowRuntimeStatus.Running, (await silo.Client.GetStatusAsync(id))!.RuntimeStatus);

        clock.Advance(TimeSpan.FromHours(1));
        var status = await silo.Client.WaitForCompletionAsync(id, Eventually.Timeout);

        Assert.Equal(WorkflowRuntimeStatus.Completed, status.RuntimeStatus);
        Assert.StartsWith("collected (sent ", status.ReadOutput<string>());
    }
}
