using Microsoft.Extensions.Logging;

namespace Baton.Grains.Replay;

/// <summary>The <see cref="IWorkflowContext"/> handed to workflow code; every call goes through the executor.</summary>
internal sealed class WorkflowContext(WorkflowExecutor executor, ILogger logger) : IWorkflowContext
{
    public string InstanceId => executor.InstanceId;

    public string WorkflowName => executor.WorkflowName;

    public DateTime CurrentUtcDateTime => executor.CurrentUtcDateTime;

    public bool IsReplaying => executor.IsReplaying;

    public ILogger Logger => logger;

    public Task<TResult> CallActivityAsync<TResult>(string activityName, object? input = null, ActivityOptions? options = null) =>
        executor.ScheduleActivity<TResult>(activityName, input, options);

    public Task<TResult> StepAsync<TResult>(string name, Func<Task<TResult>> step) => executor.RunStep(name, step);

    public Task CreateTimer(DateTime fireAtUtc) => executor.CreateTimer(fireAtUtc);

    public Task DelayAsync(TimeSpan delay) => executor.CreateTimer(CurrentUtcDateTime + delay);

    public Guid NewGuid() => executor.NewGuid();
}
