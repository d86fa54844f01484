namespace Baton.Bench;

/// <summary>Five sequential activity calls: the unit of the throughput and latency benchmarks.</summary>
public sealed class FiveSteps : Workflow<int, int>
{
    public override async Task<int> RunAsync(IWorkflowContext context, int value)
    {
        for (var i = 0; i < 5; i++)
        {
            value = await context.CallActivityAsync<int>(nameof(Increment), value);
        }

        return value;
    }
}

/// <summary>Adds one: as cheap as an activity gets, so the figures measure Baton, not the work.</summary>
public sealed class Increment : Activity<int, int>
{
    public override Task<int> RunAsync(ActivityContext context, int value) => Task.FromResult(value + 1);
}

/// <summary>Fans out N activities in one instance and sums them.</summary>
public sealed class FanOut : Workflow<int, long>
{
    public override async Task<long> RunAsync(IWorkflowContext context, int count)
    {
        var results = await Task.WhenAll(Enumerable.Range(0, count).Select(i => context.CallActivityAsync<int>(nameof(Increment), i)));
        return results.Sum(r => (long)r);
    }
}

/// <summary>
/// Waits on a durable timer until its input's time: the unit of the waiting-instances benchmark. Returns how late the
/// timer fired, in milliseconds.
/// </summary>
public sealed class WaitsUntil : Workflow<DateTime, double>
{
    public override async Task<double> RunAsync(IWorkflowContext context, DateTime dueAt)
    {
        await context.CreateTimer(dueAt);
        return (context.CurrentUtcDateTime - dueAt).TotalMilliseconds;
    }
}
