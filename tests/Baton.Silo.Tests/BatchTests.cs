using Baton.History;

namespace Baton.Silo.Tests;

public sealed class BatchTests
{
    [Theory]
    [InlineData(20, 4, "all", 0, 20, 0, 2470)]
    [InlineData(20, 0, "tolerate:2", 10, 18, 2, 2370)]
    public async Task Map_RunsEveryItem_UnderItsRule(int count, int concurrency, string rule, int failEvery, int succeeded, int failed, long sum)
    {
        await using var silo = await TestSilo.StartAsync();
        var id = await silo.Client.StartAsync(nameof(MapWorkflow), new MapRequest(count, concurrency, rule, failEvery));

        var summary = (await silo.Client.WaitForCompletionAsync(id, Eventually.Timeout)).ReadOutput<MapSummary>()!;

        Assert.Equal((succeeded, failed, (string?)null), (summary.Succeeded, summary.Failed, summary.Error));
        Assert.Equal(sum, summary.Sum);
    }

    [Fact]
    public async Task Map_WithConcurrencyLimit_NeverHasMoreItemsInFlight()
    {
        await using var silo = await TestSilo.StartAsync();
        var id = await silo.Client.StartAsync(nameof(MapWorkflow), new MapRequest(30, 3, "all", 0));
        await silo.Client.WaitForCompletionAsync(id, Eventually.Timeout);

        var history = (await silo.Client.GetStatusAsync(id, true))!.History!;
        var inFlight = 0;
        var most = 0;
        foreach (var e in history)
        {
            inFlight += e switch { ActivityScheduled => 1, ActivityCompleted or ActivityFailed => -1, _ => 0 };
            most = Math.Max(most, inFlight);
        }

        Assert.Equal(3, most);
    }

    [Fact]
    public async Task Map_AllSuccessful_FailsOnTheFirstFailure_AndDoesNotStartTheRest()
    {
        await using var silo = await TestSilo.StartAsync();
        var id = await silo.Client.StartAsync(nameof(MapWorkflow), new MapRequest(50, 2, "all", 5));

        var summary = (await silo.Client.WaitForCompletionAsync(id, Eventually.Timeout)).ReadOutput<MapSummary>()!;

        Assert.NotNull(summary.Error);
        Assert.Equal(1, summary.Failed);
        Assert.True(summary.NotStarted > 40, $"{summary.NotStarted} items were not started");
    }

    [Fact]
    public async Task Map_AtLeastN_CompletesOnceEnoughSucceeded()
    {
        await using var silo = await TestSilo.StartAsync();
        var id = await silo.Client.StartAsync(nameof(MapWorkflow), new MapRequest(40, 1, "atleast:5", 0));

        var summary = (await silo.Client.WaitForCompletionAsync(id, Eventually.Timeout)).ReadOutput<MapSummary>()!;

        Assert.Equal(5, summary.Succeeded);
        Assert.Equal(35, summary.NotStarted);
    }

    [Fact]
    public async Task Parallel_FirstSuccessful_TakesTheFirstBranch_AndCancelsTheOthersTimers()
    {
        var clock = new ManualTimeProvider(DateTimeOffset.UtcNow);
        await using var silo = await TestSilo.StartAsync(services: s => Microsoft.Extensions.DependencyInjection.ServiceCollectionServiceExtensions.AddKeyedSingleton<TimeProvider>(s, BatonClock.ServiceKey, clock));
        var id = await silo.Client.StartAsync(nameof(RaceWorkflow));
        await Eventually.WaitUntil(async () => await Db.CountAsync(silo.DatabasePath, "messages", id, "step_id IS NOT NULL") == 3);

        clock.Advance(TimeSpan.FromMinutes(2));
        var status = await silo.Client.WaitForCompletionAsync(id, Eventually.Timeout);

        Assert.Equal("0:Cancelled:,1:Succeeded:minute,2:Cancelled:", status.ReadOutput<string>());
        Assert.Equal(0, await Db.CountAsync(silo.DatabasePath, "messages", id));
    }

    [Fact]
    public async Task Map_OneHundredThousandItems_InOneInstance()
    {
        const int count = 100_000;
        await using var silo = await TestSilo.StartAsync(options: o => o.MaxConcurrentActivities = 16);
        var id = await silo.Client.StartAsync(nameof(MapWorkflow), new MapRequest(count, 0, "all", 0));

        var summary = (await silo.Client.WaitForCompletionAsync(id, TimeSpan.FromMinutes(5))).ReadOutput<MapSummary>()!;

        Assert.Equal(count, summary.Succeeded);
        Assert.Equal(Enumerable.Range(0, count).Sum(i => (long)i * i), summary.Sum);
        Assert.Equal(0, await Db.CountAsync(silo.DatabasePath, "work_items", id));
        // Compact history: an item costs two events, its schedule (with its input) and its result, each about
        // 130 bytes of JSON with its timestamp; nothing grows with the size of the batch.
        var bytes = await Db.ScalarAsync(silo.DatabasePath, "SELECT sum(length(h.event)) FROM history h JOIN instances i ON i.number = h.instance_number WHERE i.instance_id = $id", id);
        Assert.InRange(bytes / count, 100, 300);
    }
}
