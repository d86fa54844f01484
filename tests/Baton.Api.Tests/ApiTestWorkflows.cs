using Baton.Silo.Hosting;

namespace Baton.Api.Tests;

/// <summary>
/// Waits for the event "go" and returns its data; the route tests raise it, terminate it, suspend it. Its query "waiting"
/// says whether it still waits; its update "rename" (a non-empty name) replaces its input and answers the old one.
/// </summary>
public sealed class WaitsForGo : Workflow<string, string>
{
    public override async Task<string> RunAsync(IWorkflowContext context, string input)
    {
        var waiting = true;
        context.SetQueryHandler("waiting", () => new { input, waiting });
        context.SetUpdateHandler<string, string>(
            "rename",
            name =>
            {
                var old = input;
                input = name;
                return Task.FromResult(old);
            },
            name => ArgumentException.ThrowIfNullOrWhiteSpace(name));
        var go = await context.WaitForEventAsync<string>("go", TimeSpan.FromDays(1));
        waiting = false;
        return $"{input}:{go}";
    }
}

/// <summary>Takes an optional input and returns what it got, or "none".</summary>
public sealed class OptionalInput : Workflow<string?, string>
{
    public override Task<string> RunAsync(IWorkflowContext context, string? input) => Task.FromResult(input ?? "none");
}

/// <summary>Publishes a callback's token as its custom status and returns what the callback is completed with.</summary>
public sealed class AwaitsCallback : Workflow<string, string>
{
    public override async Task<string> RunAsync(IWorkflowContext context, string input)
    {
        var callback = context.CreateCallback<string>("approval");
        context.SetCustomStatus(callback.Token);
        return await callback.Result;
    }
}

/// <summary>Fails with its input as the message while <see cref="FailUntilFixed.Fixed"/> is false; rewinding then completes it.</summary>
public sealed class FailsUntilFixed : Workflow<string, string>
{
    public override async Task<string> RunAsync(IWorkflowContext context, string input) =>
        await context.CallActivityAsync<string>(nameof(FailUntilFixed), input);
}

/// <summary>Throws until a test sets <see cref="Fixed"/>.</summary>
public sealed class FailUntilFixed : Activity<string, string>
{
    public static volatile bool Fixed;

    public override Task<string> RunAsync(ActivityContext context, string input) =>
        Fixed ? Task.FromResult("fixed " + input) : throw new InvalidOperationException(input);
}

/// <summary>Runs <see cref="FailFirstTime"/> on its input: fails once per input, and completes when rewound.</summary>
public sealed class FailsFirstTime : Workflow<string, string>
{
    public override async Task<string> RunAsync(IWorkflowContext context, string input) =>
        await context.CallActivityAsync<string>(nameof(FailFirstTime), input);
}

/// <summary>Throws on its first run for an input, and answers "done {input}" after.</summary>
public sealed class FailFirstTime : Activity<string, string>
{
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, bool> Tried = new();

    public override Task<string> RunAsync(ActivityContext context, string input) =>
        Tried.TryAdd(input, true) ? throw new InvalidOperationException($"first attempt of {input}") : Task.FromResult("done " + input);
}

/// <summary>Runs <see cref="LogInput"/>: an activity that writes a log line of its own.</summary>
public sealed class LogsInAnActivity : Workflow<string, string>
{
    public override async Task<string> RunAsync(IWorkflowContext context, string input) =>
        await context.CallActivityAsync<string>(nameof(LogInput), input);
}

/// <summary>Logs its input through the host's logging, as application code in an activity does.</summary>
public sealed class LogInput(Microsoft.Extensions.Logging.ILogger<LogInput> logger) : Activity<string, string>
{
    public override Task<string> RunAsync(ActivityContext context, string input)
    {
        Microsoft.Extensions.Logging.LoggerExtensions.LogInformation(logger, "logging {Input}", input);
        return Task.FromResult(input);
    }
}

/// <summary>A counter entity: add, and reset.</summary>
public sealed class Counter : Entity<int>
{
    public void Add(int amount) => State += amount;

    public void Reset() => State = 0;
}

internal static class ApiTestWorkflowRegistration
{
    public static BatonBuilder AddApiTestWorkflows(this BatonBuilder builder) => builder
        .AddWorkflow<WaitsForGo>()
        .AddWorkflow<OptionalInput>()
        .AddWorkflow<AwaitsCallback>()
        .AddWorkflow<FailsUntilFixed>().AddActivity<FailUntilFixed>()
        .AddWorkflow<FailsFirstTime>().AddActivity<FailFirstTime>()
        .AddWorkflow<LogsInAnActivity>().AddActivity<LogInput>()
        .AddEntity<Counter>();
}
