using System.Text.Json;
using Baton.History;
using Baton.Samples;
using Microsoft.Extensions.DependencyInjection;

namespace Baton.Silo.Tests;

/// <summary>Schedules on a manual clock: runs at their times under ids of their times, overlap, commands, restarts.</summary>
public sealed class ScheduleTests
{
    private static readonly DateTime T0 = new(2026, 12, 1, 12, 0, 0, DateTimeKind.Utc);

    [Fact]
    public async Task AnIntervalSchedule_StartsARunAtEachTime_UnderTheIdOfItsTime_AndSkipsWhileTheLastRunIsLive()
    {
        var clock = new ManualTimeProvider(T0);
        await using var silo = await TestSilo.StartAsync(services: s => s.AddKeyedSingleton<TimeProvider>(BatonClock.ServiceKey, clock));
        var schedules = new ScheduleClient(silo.Client);
        await schedules.CreateAsync("greet", new ScheduleSpec { Workflow = nameof(GreetingChain), Input = Json(new[] { "Lima" }), Interval = TimeSpan.FromSeconds(10) });
        await schedules.CreateAsync("approve", new ScheduleSpec { Workflow = nameof(ApprovalWorkflow), Input = Json(3600), Interval = TimeSpan.FromSeconds(10) });
        await UntilAsync(schedules, "greet", d => d.NextRunAt == T0.AddSeconds(10));
        await UntilAsync(schedules, "approve", d => d.NextRunAt == T0.AddSeconds(10));

        clock.Advance(TimeSpan.FromSeconds(10));
        await UntilAsync(schedules, "greet", d => d.Started == 1);
        Assert.Equal("Hello, Lima!", (await silo.Client.WaitForCompletionAsync("greet@20261201T120010.000Z", Eventually.Timeout)).ReadOutput<string>());
        await UntilAsync(schedules, "approve", d => d.Started == 1 && d.NextRunAt == T0.AddSeconds(20));

        clock.Advance(TimeSpan.FromSeconds(10));
        var greet = await UntilAsync(schedules, "greet", d => d.Started == 2);
        Assert.Equal(["greet@20261201T120010.000Z", "greet@20261201T120020.000Z"], greet.RecentRuns);
        // The first approval still waits: under the default overlap policy the second is skipped, not started.
        var approve = await UntilAsync(schedules, "approve", d => d.Skipped == 1);
        Assert.Equal(1, approve.Started);
        Assert.Equal(["approve@20261201T120010.000Z"], approve.RecentRuns);
        Assert.Null(await silo.Client.GetStatusAsync("approve@20261201T120020.000Z"));
    }

    [Fact]
    public async Task ACronSchedule_RunsAtItsTimes_InItsTimeZone_AndABadSpecIsRefusedByField()
    {
        var clock = new ManualTimeProvider(T0);
        await using var silo = await TestSilo.StartAsync(services: s => s.AddKeyedSingleton<TimeProvider>(BatonClock.ServiceKey, clock));
        var schedules = new ScheduleClient(silo.Client);

        // 13:30 in Oslo (UTC+1 in December) is 12:30 UTC.
        await schedules.CreateAsync("oslo", new ScheduleSpec { Workflow = nameof(SquareSum), Input = Json(3), Cron = "30 13 * * *", TimeZone = "Europe/Oslo" });
        await UntilAsync(schedules, "oslo", d => d.NextRunAt == T0.AddMinutes(30));
        clock.Advance(TimeSpan.FromMinutes(30));
        await UntilAsync(schedules, "oslo", d => d.Started == 1);
        Assert.Equal(14, (await silo.Client.WaitForCompletionAsync("oslo@20261201T123000.000Z", Eventually.Timeout)).ReadOutput<int>());
        await UntilAsync(schedules, "oslo", d => d.NextRunAt == T0.AddDays(1).AddMinutes(30));

        var refused = await Assert.ThrowsAsync<InvalidWorkflowInputException>(() =>
            schedules.CreateAsync("bad", new ScheduleSpec { Workflow = nameof(SquareSum), Cron = "61 * * * *", Interval = TimeSpan.FromMinutes(1) }));
        Assert.Equal(["spec.cron", "spec.interval"], refused.Errors.Keys.Order());
        Assert.Null(await schedules.GetAsync("bad"));
    }

    [Fact]
    public async Task PauseResumeTriggerBackfillUpdateAndDelete_ChangeWhatTheScheduleStarts()
    {
        var clock = new ManualTimeProvider(T0);
        await using var silo = await TestSilo.StartAsync(services: s => s.AddKeyedSingleton<TimeProvider>(BatonClock.ServiceKey, clock));
        var schedules = new ScheduleClient(silo.Client);
        await schedules.CreateAsync("ops", new ScheduleSpec { Workflow = nameof(SquareSum), Input = Json(2), Interval = TimeSpan.FromHours(1), Overlap = ScheduleOverlap.AllowAll });
        await UntilAsync(schedules, "ops", d => d.NextRunAt == T0.AddHours(1));

        await schedules.TriggerAsync("ops");
        await UntilAsync(schedules, "ops", d => d.Started == 1);
        Assert.Equal(["ops@20261201T120000.000Z"], (await schedules.GetAsync("ops"))!.RecentRuns);

        // The three hourly times up to the creation: the last of them is the triggered run's, which is not started again.
        await schedules.BackfillAsync("ops", T0.AddHours(-3), T0);
        var backfilled = await UntilAsync(schedules, "ops", d => d.Started == 4);
        Assert.Equal(["ops@20261201T120000.000Z", "ops@20261201T100000.000Z", "ops@20261201T110000.000Z", "ops@20261201T120000.000Z"], backfilled.RecentRuns);
        Assert.Single((await silo.Client.GetStatusAsync("ops@20261201T120000.000Z", includeHistory: true))!.History!, e => e is WorkflowStarted);

        await schedules.PauseAsync("ops");
        await UntilAsync(schedules, "ops", d => d.Paused && d.NextRunAt is null);
        clock.Advance(TimeSpan.FromHours(2));
        await schedules.ResumeAsync("ops");
        var resumed = await UntilAsync(schedules, "ops", d => !d.Paused);
        Assert.Equal((4L, T0.AddHours(3)), (resumed.Started, resumed.NextRunAt!.Value)); // nothing made up for the pause

        await schedules.UpdateAsync("ops", new ScheduleSpec { Workflow = nameof(SquareSum), Input = Json(1), Interval = TimeSpan.FromMinutes(30) });
        await UntilAsync(schedules, "ops", d => d.Spec.Interval == TimeSpan.FromMinutes(30) && d.NextRunAt == T0.AddHours(2).AddMinutes(30));
        Assert.Throws<ArgumentException>(() => { schedules.UpdateAsync("ops", new ScheduleSpec { Workflow = nameof(SquareSum) }).GetAwaiter().GetResult(); });

        Assert.Equal(["ops"], (await schedules.ListAsync()).Select(s => s.ScheduleId));
        await schedules.DeleteAsync("ops");
        await Eventually.WaitUntil(async () => await schedules.GetAsync("ops") is null);
        Assert.Empty(await schedules.ListAsync());
    }

    [Fact]
    public async Task ASchedule_KeepsItsTimesAcrossARestart_StartingEachRunOnce()
    {
        var path = TestSilo.NewDatabasePath();
        var before = new ManualTimeProvider(T0);
        await using (var silo = await TestSilo.StartAsync(path, services: s => s.AddKeyedSingleton<TimeProvider>(BatonClock.ServiceKey, before)))
        {
            var schedules = new ScheduleClient(silo.Client);
            await schedules.CreateAsync("durable", new ScheduleSpec { Workflow = nameof(SquareSum), Input = Json(2), Interval = TimeSpan.FromSeconds(10) });
            await UntilAsync(schedules, "durable", d => d.NextRunAt == T0.AddSeconds(10));
            before.Advance(TimeSpan.FromSeconds(10));
            await UntilAsync(schedules, "durable", d => d.Started == 1 && d.NextRunAt == T0.AddSeconds(20));
        }

        // Down for 15 seconds: the run due at :20 is within the catch-up window, so it starts when the silo is back.
        var after = new ManualTimeProvider(T0.AddSeconds(25));
        await using (var silo = await TestSilo.StartAsync(path, services: s => s.AddKeyedSingleton<TimeProvider>(BatonClock.ServiceKey, after)))
        {
            var schedules = new ScheduleClient(silo.Client);
            await UntilAsync(schedules, "durable", d => d.Started == 2 && d.NextRunAt == T0.AddSeconds(30));
            after.Advance(TimeSpan.FromSeconds(5));
            var description = await UntilAsync(schedules, "durable", d => d.Started == 3);

            Assert.Equal(["durable@20261201T120010.000Z", "durable@20261201T120020.000Z", "durable@20261201T120030.000Z"], description.RecentRuns);
            foreach (var run in description.RecentRuns)
            {
                Assert.Single((await silo.Client.GetStatusAsync(run, includeHistory: true))!.History!, e => e is WorkflowStarted);
            }

            Assert.Equal(3, (await silo.Client.ListAsync(new WorkflowQuery { InstanceIdPrefix = "durable@" })).Items.Count);
        }
    }

    private static JsonElement Json<T>(T value) => JsonSerializer.SerializeToElement(value, Baton.Serialization.BatonJson.Options);

    private static async Task<ScheduleDescription> UntilAsync(ScheduleClient schedules, string id, Func<ScheduleDescription, bool> condition)
    {
        ScheduleDescription? last = null;
        try
        {
            await Eventually.WaitUntil(async () => (last = await schedules.GetAsync(id)) is { } d && condition(d));
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            throw new Xunit.Sdk.XunitException($"schedule {id} never met the condition; it is {JsonSerializer.Serialize(last, Baton.Serialization.BatonJson.Options)}: {ex.Message}");
        }

        return last!;
    }
}
