namespace Baton.Grains.Schedules;

// Each works in the namespace of the schedule that calls it: a schedule's runs are in its own namespace.

/// <summary>The schedules' activities, under names of Baton's own so that they never meet an application's.</summary>
internal static class ScheduleActivities
{
    public const string Start = "Baton.Schedule.StartRun";
    public const string IsLive = "Baton.Schedule.IsRunLive";
    public const string Terminate = "Baton.Schedule.TerminateRun";
}

/// <summary>Starts a run, or finds it started: its id is fixed by its time, so starting it again returns the existing one.</summary>
internal sealed class StartScheduledRun(IWorkflowClientFactory clients) : Activity<ScheduledRun, string>
{
    public override Task<string> RunAsync(ActivityContext context, ScheduledRun run) =>
        clients.ForNamespace(context.Namespace).StartAsync(run.Workflow, run.Input, new StartWorkflowOptions { InstanceId = run.InstanceId, IfExists = InstanceIdReusePolicy.ReturnExisting }, context.CancellationToken);
}

/// <summary>Whether a run is still live (pending, running or suspended).</summary>
internal sealed class IsScheduledRunLive(IWorkflowClientFactory clients) : Activity<string, bool>
{
    public override async Task<bool> RunAsync(ActivityContext context, string instanceId) =>
        (await clients.ForNamespace(context.Namespace).GetStatusAsync(instanceId, cancellationToken: context.CancellationToken))?.RuntimeStatus
            is WorkflowRuntimeStatus.Pending or WorkflowRuntimeStatus.Running or WorkflowRuntimeStatus.Suspended;
}

/// <summary>Terminates a live run (one that finished meanwhile is left as it is).</summary>
internal sealed class TerminateScheduledRun(IWorkflowClientFactory clients) : Activity<string, bool>
{
    public override async Task<bool> RunAsync(ActivityContext context, string instanceId)
    {
        try
        {
            await clients.ForNamespace(context.Namespace).TerminateAsync(instanceId, "the schedule's next run replaces it", context.CancellationToken);
            return true;
        }
        catch (InvalidInstanceStateException)
        {
            return false;
        }
    }
}
