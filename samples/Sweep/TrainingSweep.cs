namespace Baton.Samples.Sweep;

/// <summary>
/// A hyperparameter sweep: picks the <c>gpu</c> queue when a live silo serves it and the default queue otherwise, fans
/// the trials out over that queue with bounded parallelism (each a long activity that heartbeats its progress), fans
/// in, and reports the best. A trial that dies with its silo runs again elsewhere; the sweep itself survives restarts.
/// </summary>
public sealed class TrainingSweep : Workflow<SweepRequest, SweepReport>
{
    /// <summary>The queue trials prefer.</summary>
    public const string GpuQueue = "gpu";

    public override async Task<SweepReport> RunAsync(IWorkflowContext context, SweepRequest sweep)
    {
        var queue = await context.CallActivityAsync<string>(nameof(ChooseQueue), GpuQueue);
        var trials = sweep.L1.SelectMany(l1 => sweep.L2.Select(l2 => (l1, l2)))
            .Select((p, i) => new TrialSpec(i + 1, p.l1, p.l2, sweep.Folds))
            .ToList();
        context.SetCustomStatus(new { stage = "training", queue, trials = trials.Count });

        var results = await context.MapAsync<TrialSpec, TrialResult>(trials, nameof(TrainTrial), new BatchOptions
        {
            MaxConcurrency = sweep.MaxParallel,
            Activity = new ActivityOptions
            {
                Queue = queue,
                HeartbeatTimeout = TimeSpan.FromMinutes(2),
                StartToCloseTimeout = TimeSpan.FromHours(1),
                Retry = new RetryPolicy { MaxAttempts = 3, FirstRetryInterval = TimeSpan.FromSeconds(1) },
            },
        });

        var all = results.Results.OrderBy(r => r.Trial).ToList();
        var best = all.MaxBy(r => r.Auc)!;
        context.SetCustomStatus(new { stage = "done", queue, best });
        return new SweepReport(queue, best, all);
    }
}

/// <summary>Answers the preferred queue when a live silo serves it, and the default queue otherwise.</summary>
public sealed class ChooseQueue(IActivityQueues queues) : Activity<string, string>
{
    public override Task<string> RunAsync(ActivityContext context, string preferred) =>
        Task.FromResult(queues.Served().Contains(preferred) ? preferred : ActivityOptions.DefaultQueue);
}
