using Baton.History;
using Microsoft.Extensions.DependencyInjection;

namespace Baton.Silo.Tests;

public sealed class RetryAndTimeoutTests
{
    [Fact]
    public async Task Retry_WaitsOnDurableTimers_AcrossARestart_UntilAnAttemptSucceeds()
    {
        var path = TestSilo.NewDatabasePath();
        var start = DateTimeOffset.UtcNow;
        var key = Guid.NewGuid().ToString();
        string id;
        await using (var first = await TestSilo.StartAsync(path, services: s => s.AddKeyedSingleton<TimeProvider>(BatonClock.ServiceKey, new ManualTimeProvider(start))))
        {
            id = await first.Client.StartAsync(nameof(RetryWorkflow), new FlakyRequest(key, 2));
            await Eventually.WaitUntil(async () => (await first.Client.GetStatusAsync(id, true))!.History!.OfType<TimerCreated>().Any());
        }

        // The first retry is due a minute (± jitter) later: a silo whose clock is an hour on finds it on disk.
        var later = new ManualTimeProvider(start + TimeSpan.FromHours(1));
        await using var second = await TestSilo.StartAsync(path, services: s => s.AddKeyedSingleton<TimeProvider>(BatonClock.ServiceKey, later));
        await Eventually.WaitUntil(async () => (await second.Client.GetStatusAsync(id, true))!.History!.OfType<TimerCreated>().Count() == 2);
        later.Advance(TimeSpan.FromHours(1));
        var status = await second.Client.WaitForCompletionAsync(id, Eventually.Timeout);

        Assert.Equal("succeeded on attempt 3", status.ReadOutput<string>());
        var history = (await second.Client.GetStatusAsync(id, true))!.History!;
        Assert.Equal(3, history.OfType<ActivityScheduled>().Count());
        Assert.Equal(2, history.OfType<ActivityFailed>().Count());
        var timers = history.OfType<TimerCreated>().ToArray();
        var firstWait = timers[0].FireAt - timers[0].Timestamp;
        var secondWait = timers[1].FireAt - timers[1].Timestamp;
        Assert.InRange(firstWait, TimeSpan.FromSeconds(48), TimeSpan.FromSeconds(72));
        Assert.InRange(secondWait, TimeSpan.FromSeconds(96), TimeSpan.FromSeconds(144));
    }

    [Fact]
    public async Task Retry_NonRetryableException_FailsAtOnce()
    {
        await using var silo = await TestSilo.StartAsync();
        var key = Guid.NewGuid().ToString();
        var id = await silo.Client.StartAsync(nameof(RetryWorkflow), new FlakyRequest(key, 5, Fatal: true));

        var status = await silo.Client.WaitForCompletionAsync(id, Eventually.Timeout);

        Assert.Equal("gave up: attempt 1 is hopeless", status.ReadOutput<string>());
        Assert.Equal(1, Probe.Count(key));
    }

    [Fact]
    public async Task StepRetry_ReRunsTheStepUntilItSucceeds()
    {
        await using var silo = await TestSilo.StartAsync();
        var key = Guid.NewGuid().ToString();
        var id = await silo.Client.StartAsync(nameof(StepRetryWorkflow), key);

        var status = await silo.Client.WaitForCompletionAsync(id, Eventually.Timeout);

        Assert.Equal(3, status.ReadOutput<int>());
        var history = (await silo.Client.GetStatusAsync(id, true))!.History!;
        Assert.Equal(2, history.OfType<StepFailed>().Count());
        Assert.Equal(2, history.OfType<TimerCreated>().Count());
    }

    [Fact]
    public async Task StartToClose_TimesOutAHangingAttempt_WhichIsCancelledAndRetried()
    {
        await using var silo = await TestSilo.StartAsync();
        var key = Guid.NewGuid().ToString();
        var id = await silo.Client.StartAsync(nameof(TimeoutWorkflow), new HangRequest(key, 1, false, StartToCloseMs: 1500, HeartbeatMs: 0, ScheduleToCloseMs: 0));

        var status = await silo.Client.WaitForCompletionAsync(id, Eventually.Timeout);

        Assert.Equal("ok on attempt 2", status.ReadOutput<string>());
        var failure = (await silo.Client.GetStatusAsync(id, true))!.History!.OfType<ActivityFailed>().Single().Failure;
        Assert.True(failure.IsCausedBy<ActivityTimeoutException>());
        Assert.Contains("StartToClose", failure.Message, StringComparison.Ordinal);
        await Eventually.WaitUntil(() => Task.FromResult(Probe.Count(key + "/cancelled") == 1));
    }

    [Fact]
    public async Task Heartbeats_KeepALongAttemptAlive_AndAMissedHeartbeatTimesItOut()
    {
        await using var silo = await TestSilo.StartAsync();
        var key = Guid.NewGuid().ToString();
        var id = await silo.Client.StartAsync(nameof(TimeoutWorkflow), new HangRequest(key, 1, true, StartToCloseMs: 0, HeartbeatMs: 1000, ScheduleToCloseMs: 0, WorkSteps: 25));

        var status = await silo.Client.WaitForCompletionAsync(id, Eventually.Timeout);

        // The second attempt works for 2.5 s, well past the heartbeat timeout, heartbeating every 100 ms: beats can come
        // late on a busy machine by most of a second and still keep it alive.
        Assert.Equal("ok on attempt 2", status.ReadOutput<string>());
        var failure = (await silo.Client.GetStatusAsync(id, true))!.History!.OfType<ActivityFailed>().Single().Failure;
        Assert.Contains("Heartbeat", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ScheduleToClose_BoundsTheWholeCall_AcrossRetries()
    {
        await using var silo = await TestSilo.StartAsync();
        var key = Guid.NewGuid().ToString();
        var id = await silo.Client.StartAsync(nameof(TimeoutWorkflow), new HangRequest(key, 100, false, StartToCloseMs: 0, HeartbeatMs: 0, ScheduleToCloseMs: 400));

        var status = await silo.Client.WaitForCompletionAsync(id, Eventually.Timeout);

        Assert.StartsWith("failed: ", status.ReadOutput<string>(), StringComparison.Ordinal);
        Assert.Contains("ScheduleToClose", status.ReadOutput<string>(), StringComparison.Ordinal);
        Assert.Equal(0, await Db.CountAsync(silo.DatabasePath, "work_items", id));
        await Eventually.WaitUntil(() => Task.FromResult(Probe.Count(key + "/cancelled") == 1));
    }

    [Fact]
    public async Task WaitForCondition_PollsWithBackoff_AcrossARestart()
    {
        var path = TestSilo.NewDatabasePath();
        var start = DateTimeOffset.UtcNow;
        string id;
        await using (var first = await TestSilo.StartAsync(path, services: s => s.AddKeyedSingleton<TimeProvider>(BatonClock.ServiceKey, new ManualTimeProvider(start))))
        {
            id = await first.Client.StartAsync(nameof(ConditionWorkflow), 3);
            await Eventually.WaitUntil(async () => (await first.Client.GetStatusAsync(id, true))!.History!.OfType<TimerCreated>().Any());
        }

        var later = new ManualTimeProvider(start + TimeSpan.FromMinutes(1));
        await using var second = await TestSilo.StartAsync(path, services: s => s.AddKeyedSingleton<TimeProvider>(BatonClock.ServiceKey, later));
        await Eventually.WaitUntil(async () => (await second.Client.GetStatusAsync(id, true))!.History!.OfType<TimerCreated>().Count() == 2);
        later.Advance(TimeSpan.FromMinutes(1));
        var status = await second.Client.WaitForCompletionAsync(id, Eventually.Timeout);

        Assert.Equal("ready", status.ReadOutput<string>());
        Assert.Equal(3, Probe.Count("condition/" + id));
        var timers = (await second.Client.GetStatusAsync(id, true))!.History!.OfType<TimerCreated>().ToArray();
        Assert.True(timers[1].FireAt - timers[1].Timestamp > timers[0].FireAt - timers[0].Timestamp);
    }

    [Fact]
    public async Task WaitForCondition_AttemptsRunOut_ThrowsATypedException()
    {
        var clock = new ManualTimeProvider(DateTimeOffset.UtcNow);
        await using var silo = await TestSilo.StartAsync(services: s => s.AddKeyedSingleton<TimeProvider>(BatonClock.ServiceKey, clock));
        var id = await silo.Client.StartAsync(nameof(ConditionWorkflow), 100);

        for (var i = 1; i < 5; i++)
        {
            await Eventually.WaitUntil(async () => (await silo.Client.GetStatusAsync(id, true))!.History!.OfType<TimerCreated>().Count() == i);
            clock.Advance(TimeSpan.FromMinutes(10));
        }

        Assert.Equal("gave up after 5", (await silo.Client.WaitForCompletionAsync(id, Eventually.Timeout)).ReadOutput<string>());
    }
}
