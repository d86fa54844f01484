using Baton.History;
using Baton.Samples;
using Microsoft.Extensions.DependencyInjection;

namespace Baton.Silo.Tests;

public sealed class LongTimerTests
{
    [Fact]
    public async Task Timer_AYearLong_WaitsOnDiskAndFiresWhenTheClockGetsThere()
    {
        var clock = new ManualTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        await using var silo = await TestSilo.StartAsync(services: s => s.AddKeyedSingleton<TimeProvider>(BatonClock.ServiceKey, clock));
        var id = await silo.Client.StartAsync(nameof(Reminder), new ReminderRequest("happy anniversary", 365 * 24 * 3600));
        await Eventually.WaitUntil(async () => (await silo.Client.GetStatusAsync(id, true))!.History!.OfType<TimerCreated>().Any());

        var created = (await silo.Client.GetStatusAsync(id, true))!.History!.OfType<TimerCreated>().Single();
        Assert.Equal(new DateTime(2027, 1, 1, 0, 0, 0, DateTimeKind.Utc), created.FireAt);
        clock.Advance(TimeSpan.FromDays(364));
        await Assert.ThrowsAsync<TimeoutException>(() => silo.Client.WaitForCompletionAsync(id, TimeSpan.FromMilliseconds(500)));

        clock.Advance(TimeSpan.FromDays(2));
        var status = await silo.Client.WaitForCompletionAsync(id, Eventually.Timeout);

        Assert.Equal(WorkflowRuntimeStatus.Completed, status.RuntimeStatus);
        var fired = (await silo.Client.GetStatusAsync(id, true))!.History!.Single(e => e is TimerFired);
        Assert.True(fired.Timestamp >= created.FireAt);
        Assert.Equal(new DateTime(2027, 1, 2, 0, 0, 0, DateTimeKind.Utc), status.CompletedAt);
    }
}
