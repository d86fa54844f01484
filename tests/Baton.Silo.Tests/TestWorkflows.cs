using System.Collections.Concurrent;

namespace Baton.Silo.Tests;

// Small workflows and activities that exercise one behaviour each.

public sealed class FailingActivity : Activity<string, string>
{
    public override Task<string> RunAsync(ActivityContext context, string message) =>
        throw new InvalidOperationException(message);
}

public sealed class Echo : Activity<string, string>
{
    public override Task<string> RunAsync(ActivityContext context, string input) => Task.FromResult(input);
}

/// <summary>Calls an activity that throws, catches the failure and returns what it learned.</summary>
public sealed class CatchingWorkflow : Workflow<string, string>
{
    public override async Task<string> RunAsync(IWorkflowContext context, string message)
    {
        try
        {
            await context.CallActivityAsync<string>(nameof(FailingActivity), message);
            return "not failed";
        }
        catch (ActivityFailedException ex)
        {
            return $"caught {ex.Failure.ErrorType}: {ex.Failure.Message} at step {ex.StepId}";
        }
    }
}

/// <summary>Lets an activity failure escape, which fails the instance.</summary>
public sealed class UncaughtFailureWorkflow : Workflow<string, string>
{
    public override async Task<string> RunAsync(IWorkflowContext context, string message) =>
        await context.CallActivityAsync<string>(nameof(FailingActivity), message);
}

public sealed class UnknownActivityWorkflow : Workflow<string, string>
{
    public override async Task<string> RunAsync(IWorkflowContext context, string input) =>
        await context.CallActivityAsync<string>("NoSuchActivity", input);
}

/// <summary>An inline step (counted per instance), then a durable wait, then an activity.</summary>
public sealed class StepWorkflow : Workflow<int, string>
{
    public static readonly ConcurrentDictionary<string, int> Executions = new();

    public override async Task<string> RunAsync(IWorkflowContext context, int waitMilliseconds)
    {
        var token = await context.StepAsync("issue-token", () =>
        {
            Executions.AddOrUpdate(context.InstanceId, 1, (_, n) => n + 1);
            return Task.FromResult(Guid.NewGuid().ToString("N"));
        });
        await context.DelayAsync(TimeSpan.FromMilliseconds(waitMilliseconds));
        var echoed = await context.CallActivityAsync<string>(nameof(Echo), token);
        return echoed == token ? token : throw new InvalidOperationException("The step result changed on replay.");
    }
}

/// <summary>Waits on a durable timer, then records the time it woke up through an activity.</summary>
public sealed class TimerThenActivityWorkflow : Workflow<int, string>
{
    public override async Task<string> RunAsync(IWorkflowContext context, int waitMilliseconds)
    {
        var started = context.CurrentUtcDateTime;
        await context.DelayAsync(TimeSpan.FromMilliseconds(waitMilliseconds));
        var woke = context.CurrentUtcDateTime;
        return await context.CallActivityAsync<string>(nameof(Echo), $"{(woke - started).TotalMilliseconds:F0}");
    }
}

/// <summary>Its code "changes" between silos through a static switch, the way a deployment would change it.</summary>
public sealed class ChangingWorkflow : Workflow<string, string>
{
    public static volatile bool Deployed;

    public override async Task<string> RunAsync(IWorkflowContext context, string input)
    {
        var first = Deployed
            ? await context.CallActivityAsync<string>(nameof(FailingActivity), input)
            : await context.CallActivityAsync<string>(nameof(Echo), input);
        await context.DelayAsync(TimeSpan.FromMilliseconds(500));
        return first;
    }
}
