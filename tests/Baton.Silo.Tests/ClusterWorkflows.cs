using Orleans.Runtime;

namespace Baton.Silo.Tests;

// Workflows and activities for the multi-silo tests.

public sealed record ClusterOrder(int Items, int DelayMilliseconds);

public sealed record SquareCall(string InstanceId, int Index);

/// <summary>Fans out <c>Items</c> slow squares, waits on a timer, then on a "bonus" event; returns the sum of all.</summary>
public sealed class ClusterWorkflow : Workflow<ClusterOrder, int>
{
    public override async Task<int> RunAsync(IWorkflowContext context, ClusterOrder order)
    {
        var calls = Enumerable.Range(1, order.Items)
            .Select(i => context.CallActivityAsync<int>(nameof(SlowSquare), new SquareCall(context.InstanceId, i)))
            .ToList();
        var squares = await Task.WhenAll(calls);
        await context.DelayAsync(TimeSpan.FromMilliseconds(order.DelayMilliseconds));
        var bonus = await context.WaitForEventAsync<int>("bonus");
        return squares.Sum() + bonus;
    }
}

/// <summary>Squares its index after a short pause, and counts each execution (so that re-executions can be counted).</summary>
public sealed class SlowSquare : Activity<SquareCall, int>
{
    public const string Total = "square";

    public static string Key(string instanceId, int index) => $"square/{instanceId}/{index}";

    public override async Task<int> RunAsync(ActivityContext context, SquareCall call)
    {
        Probe.Next(Key(call.InstanceId, call.Index));
        Probe.Next(Total);
        await Task.Delay(Random.Shared.Next(100, 400), context.CancellationToken);
        return call.Index * call.Index;
    }
}

/// <summary>Runs one activity on the "gpu" queue and returns the silo it ran on.</summary>
public sealed class GpuWorkflow : Workflow<string, string>
{
    public override Task<string> RunAsync(IWorkflowContext context, string input) =>
        context.CallActivityAsync<string>(nameof(WhereAmI), input, new ActivityOptions { Queue = "gpu" });
}

/// <summary>Answers with the address of the silo that runs it, and counts each execution.</summary>
public sealed class WhereAmI(ILocalSiloDetails silo) : Activity<string, string>
{
    public static string Key(string instanceId) => $"where/{instanceId}";

    public override Task<string> RunAsync(ActivityContext context, string input)
    {
        Probe.Next(Key(context.InstanceId));
        return Task.FromResult(silo.SiloAddress.ToString());
    }
}
