using Baton.Silo.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace Baton.CrashHost;

/// <summary>Fans out five counted activities, then runs one more on their sum: six steps whose every execution is logged.</summary>
public sealed class CrashFanOut : Workflow<int, long>
{
    public override async Task<long> RunAsync(IWorkflowContext context, int k)
    {
        var squares = await Task.WhenAll(Enumerable.Range(0, 5).Select(j => context.CallActivityAsync<long>(nameof(CountedSquare), k * 10 + j)));
        var sum = squares.Sum();
        return sum + await context.CallActivityAsync<long>(nameof(CountedSquare), (int)(sum % 1000));
    }

    /// <summary>The output instance <paramref name="k"/> must finish with.</summary>
    public static long Expected(int k)
    {
        var sum = Enumerable.Range(0, 5).Sum(j => (long)(k * 10 + j) * (k * 10 + j));
        return sum + (sum % 1000) * (sum % 1000);
    }
}

/// <summary>Squares a number slowly, logging each execution (instance and step) before it returns.</summary>
public sealed class CountedSquare(ExecutionLog log) : Activity<int, long>
{
    public override async Task<long> RunAsync(ActivityContext context, int value)
    {
        await Task.Delay(40, context.CancellationToken).ConfigureAwait(false);
        log.Record($"{context.InstanceId}/{context.StepId}");
        return (long)value * value;
    }
}

/// <summary>An append-only file of executions; each line reaches the OS before the activity returns, so a SIGKILL keeps it.</summary>
public sealed class ExecutionLog(string path)
{
    private readonly Lock _lock = new();

    public void Record(string line)
    {
        lock (_lock)
        {
            File.AppendAllText(path, line + "\n");
        }
    }

    public static IReadOnlyList<string> Read(string path) =>
        File.Exists(path) ? File.ReadAllLines(path).Where(l => l.Length > 0).ToArray() : [];
}

/// <summary>Registers the crash workflow with an execution log at <paramref name="logPath"/>.</summary>
public static class CrashWorkflowsExtensions
{
    public static BatonBuilder AddCrashWorkflows(this BatonBuilder builder, string logPath)
    {
        builder.Services.AddSingleton(new ExecutionLog(logPath));
        return builder.AddWorkflow<CrashFanOut>().AddActivity<CountedSquare>();
    }
}
