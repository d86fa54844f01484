namespace Baton.Samples;

/// <summary>Fan-out/fan-in: squares 1..N in parallel activities and sums the results.</summary>
public sealed class SquareSum : Workflow<int, long>
{
    public override async Task<long> RunAsync(IWorkflowContext context, int count)
    {
        var squares = Enumerable.Range(1, count).Select(i => context.CallActivityAsync<long>(nameof(Square), i));
        return (await Task.WhenAll(squares)).Sum();
    }
}

/// <summary>Squares a number.</summary>
public sealed class Square : Activity<int, long>
{
    public override Task<long> RunAsync(ActivityContext context, int value) => Task.FromResult((long)value * value);
}
