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

/// <summary>
/// Runs CrashFanOut as a child, then an activity that fails its first attempt (retried on a durable timer),
/// then waits for the "go" event that the host raised right after the start.
/// </summary>
public sealed class CrashComposite : Workflow<int, long>
{
    public override async Task<long> RunAsync(IWorkflowContext context, int k)
    {
        // What the crash test asks before and after the kill: how far the instance has got.
        var stage = "child";
        context.SetQueryHandler("stage", () => stage);
        var child = await context.CallWorkflowAsync<long>(nameof(CrashFanOut), k);
        stage = $"retrying after child {child}";
        var attempt = await context.CallActivityAsync<int>(nameof(FailsFirstAttempt), context.InstanceId, new ActivityOptions
        {
            // Long enough that every parent is waiting on its durable retry timer when the test kills the host.
            Retry = new RetryPolicy { MaxAttempts = 3, FirstRetryInterval = TimeSpan.FromSeconds(2) },
        });
        stage = "waiting for go";
        var go = await context.WaitForEventAsync<int>("go");
        stage = "done";
        return child + attempt * 1_000_000_000L + go;
    }

    /// <summary>The output instance <paramref name="k"/> must finish with: its child's, the attempt that succeeded (2), and the event's data.</summary>
    public static long Expected(int k) => CrashFanOut.Expected(k) + 2_000_000_000L + k;
}

/// <summary>
/// The chaos suite's workflow: CrashFanOut as a child (six counted activities), a durable timer, then the "go" event,
/// which the driver raises at some point before or after the wait begins.
/// </summary>
public sealed class ChaosWorkflow : Workflow<int, long>
{
    public override async Task<long> RunAsync(IWorkflowContext context, int k)
    {
        var child = await context.CallWorkflowAsync<long>(nameof(CrashFanOut), k);
        await context.DelayAsync(TimeSpan.FromMilliseconds(500 + k % 5 * 500));
        var go = await context.WaitForEventAsync<int>("go");
        return child + go;
    }

    /// <summary>The output instance <paramref name="k"/> must finish with when the event carries <paramref name="k"/>.</summary>
    public static long Expected(int k) => CrashFanOut.Expected(k) + k;
}

/// <summary>Waits <see cref="Seconds"/> on a durable timer, then squares its input with a counted activity.</summary>
public sealed class CrashNap : Workflow<int, long>
{
    public const int Seconds = 6;

    public override async Task<long> RunAsync(IWorkflowContext context, int k)
    {
        await context.DelayAsync(TimeSpan.FromSeconds(Seconds));
        return await context.CallActivityAsync<long>(nameof(CountedSquare), k);
    }
}

/// <summary>Fails the first attempt for each instance, as recorded in the execution log, and returns the attempt number.</summary>
public sealed class FailsFirstAttempt(ExecutionLog log) : Activity<string, int>
{
    public override Task<int> RunAsync(ActivityContext context, string instanceId)
    {
        var key = $"flaky/{ExecutionLog.Scope(context)}{instanceId}";
        var attempt = log.Count(key) + 1;
        log.Record(key);
        return attempt == 1 ? throw new InvalidOperationException("the first attempt always fails") : Task.FromResult(attempt);
    }
}

/// <summary>Squares a number slowly, logging each execution (instance and step) before it returns.</summary>
public sealed class CountedSquare(ExecutionLog log) : Activity<int, long>
{
    public override async Task<long> RunAsync(ActivityContext context, int value)
    {
        await Task.Delay(40, context.CancellationToken).ConfigureAwait(false);
        log.Record($"{ExecutionLog.Scope(context)}{context.InstanceId}/{context.StepId}");
        return (long)value * value;
    }
}

/// <summary>
/// A ledger that takes "deposit" updates (validated positive; the handler runs a counted activity and answers the balance)
/// until the "close" event, and returns its balance: what the crash test sends updates to around a kill.
/// </summary>
public sealed class CrashLedger : Workflow<int, int>
{
    public override async Task<int> RunAsync(IWorkflowContext context, int opening)
    {
        var balance = opening;
        context.SetUpdateHandler<int, int>(
            "deposit",
            async amount =>
            {
                balance += await context.CallActivityAsync<int>(nameof(CountedDeposit), amount);
                return balance;
            },
            amount =>
            {
                if (amount <= 0)
                {
                    throw new ArgumentOutOfRangeException(nameof(amount), "a deposit must be positive");
                }
            });
        await context.WaitForEventAsync<bool>("close");
        return balance;
    }
}

/// <summary>A tally that counts additions: what the crash test's workflows call around a kill.</summary>
public sealed class CrashTally : Entity<int>
{
    public int Add(int amount) => State += amount;
}

/// <summary>Adds 1 to the shared tally five times, each a call that waits for the tally's answer, and returns the answers.</summary>
public sealed class CrashTallyWorkflow : Workflow<int, int[]>
{
    public override async Task<int[]> RunAsync(IWorkflowContext context, int k)
    {
        var tally = new EntityId(nameof(CrashTally), "shared");
        var answers = new int[5];
        for (var i = 0; i < answers.Length; i++)
        {
            answers[i] = await context.CallEntityAsync<int>(tally, "add", 1);
        }

        return answers;
    }
}

/// <summary>Takes a while, then logs its execution and returns its input.</summary>
public sealed class CountedDeposit(ExecutionLog log) : Activity<int, int>
{
    public override async Task<int> RunAsync(ActivityContext context, int amount)
    {
        await Task.Delay(100, context.CancellationToken).ConfigureAwait(false);
        log.Record($"deposit/{context.InstanceId}");
        return amount;
    }
}

/// <summary>An append-only file of executions; each line reaches the OS before the activity returns, so a SIGKILL keeps it.</summary>
public sealed class ExecutionLog(string path)
{
    private readonly Lock _lock = new();

    /// <summary>When this process first recorded an execution (a <see cref="System.Diagnostics.Stopwatch"/> timestamp), or 0.</summary>
    public long FirstRecorded { get; private set; }

    /// <summary>What a log line begins with for an instance's namespace: nothing for the default one, else "{namespace}:".</summary>
    public static string Scope(ActivityContext context) => context.Namespace == WorkflowNamespaces.Default ? "" : context.Namespace + ":";

    public void Record(string line)
    {
        lock (_lock)
        {
            File.AppendAllText(path, line + "\n");
            if (FirstRecorded == 0)
            {
                FirstRecorded = System.Diagnostics.Stopwatch.GetTimestamp();
            }
        }
    }

    public int Count(string line)
    {
        lock (_lock)
        {
            return Read(path).Count(l => l == line);
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
        return builder.AddWorkflow<CrashFanOut>().AddActivity<CountedSquare>().AddWorkflow<CrashComposite>().AddActivity<FailsFirstAttempt>()
            .AddWorkflow<ChaosWorkflow>().AddWorkflow<CrashLedger>().AddActivity<CountedDeposit>()
            .AddEntity<CrashTally>().AddWorkflow<CrashTallyWorkflow>().AddWorkflow<CrashNap>();
    }
}
