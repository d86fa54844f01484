using Microsoft.Extensions.Logging;

namespace Baton.Grains.Tests;

// Workflows for the replay tests; activities are registered by name only, since no worker runs here.

public sealed class NamedActivity : Activity<string, string>
{
    public override Task<string> RunAsync(ActivityContext context, string input) => Task.FromResult(input);
}

/// <summary>
/// Deliberately non-deterministic: it branches on the wall clock, which the workflow docs forbid. Its
/// committed history was recorded "before 2000", so replaying it today takes the other branch.
/// </summary>
public sealed class ClockReadingWorkflow : Workflow<string, string>
{
    public override async Task<string> RunAsync(IWorkflowContext context, string order) =>
        DateTime.UtcNow < new DateTime(2000, 1, 1, 0, 0, 0, DateTimeKind.Utc)
            ? await context.CallActivityAsync<string>("Legacy", order)
            : await context.CallActivityAsync<string>("Modern", order);
}

/// <summary>Calls "First", then "Second"; a static switch makes it skip "Second", as a code change would.</summary>
public sealed class TwoStepWorkflow : Workflow<string, string>
{
    public static volatile bool SkipSecond;

    public override async Task<string> RunAsync(IWorkflowContext context, string input)
    {
        context.Logger.LogInformation("starting {Input}", input);
        var first = await context.CallActivityAsync<string>("First", input);
        var guid = context.NewGuid();
        if (SkipSecond)
        {
            return first;
        }

        var second = await context.CallActivityAsync<string>("Second", first);
        context.Logger.LogInformation("finished");
        return $"{second}|{guid}";
    }
}

/// <summary>Runs an inline step (counting its executions), then an activity with its result.</summary>
public sealed class StepThenActivityWorkflow : Workflow<string, string>
{
    public static int Executions;

    public override async Task<string> RunAsync(IWorkflowContext context, string input)
    {
        var stamped = await context.StepAsync("stamp", () =>
        {
            Interlocked.Increment(ref Executions);
            return Task.FromResult($"{input}@{Guid.NewGuid():N}");
        });
        return await context.CallActivityAsync<string>("First", stamped);
    }
}

/// <summary>Runs a step that throws and reports how it caught it.</summary>
public sealed class FailingStepWorkflow : Workflow<string, string>
{
    public override async Task<string> RunAsync(IWorkflowContext context, string input)
    {
        try
        {
            await context.StepAsync<int>("explode", () => throw new FormatException(input));
            return "no";
        }
        catch (StepFailedException ex)
        {
            return $"{ex.StepName}:{ex.Failure.ErrorType}:{ex.Failure.Message}";
        }
    }
}
