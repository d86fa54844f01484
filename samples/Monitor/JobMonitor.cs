namespace Baton.Samples.Monitor;

/// <summary>
/// An eternal monitor: waits (durably, on timers that back off) until the job's status differs from the last one
/// reported, reports the change through the webhook, and so on until the job is done or failed. Every
/// <see cref="MonitorRequest.IterationsPerRun"/> changes it continues as new, so that its history, and the memory its
/// replay needs, stay bounded however long it watches.
/// </summary>
public sealed class JobMonitor : Workflow<MonitorRequest, MonitorResult>
{
    private static readonly ActivityOptions Reporting = new()
    {
        StartToCloseTimeout = TimeSpan.FromSeconds(30),
        Retry = new RetryPolicy { MaxAttempts = 5, FirstRetryInterval = TimeSpan.FromSeconds(1), BackoffCoefficient = 2 },
    };

    public override async Task<MonitorResult> RunAsync(IWorkflowContext context, MonitorRequest watch)
    {
        var last = watch.LastStatus;
        var iteration = watch.Iteration;
        var polling = new PollingStrategy
        {
            MaxAttempts = 100,
            FirstInterval = watch.PollInterval,
            BackoffCoefficient = 1.5,
            MaxInterval = watch.MaxPollInterval,
        };
        for (var i = 0; i < watch.IterationsPerRun; i++)
        {
            try
            {
                // The check is recorded: on replay it is not asked again.
                var seen = last;
                await context.WaitForConditionAsync("job status changed", async () => await JobProbe.ReadStatusAsync(watch.JobUrl) != seen, polling);
            }
            catch (ConditionNotMetException)
            {
                continue; // A hundred checks without a change: keep watching, in the same bounded run.
            }

            var change = await context.CallActivityAsync<StatusChange>(
                nameof(ReportStatusChange), new ReportRequest(watch.JobUrl, watch.WebhookUrl, last, iteration + 1), Reporting);
            (last, iteration) = (change.To, change.Iteration);
            context.SetCustomStatus(new { status = last, iteration });
            if (JobProbe.IsFinal(last))
            {
                return new MonitorResult(last, iteration);
            }
        }

        context.ContinueAsNew(watch with { LastStatus = last, Iteration = iteration });
        return new MonitorResult(last ?? "", iteration);
    }
}
