using System.Text.Json.Serialization;

namespace Baton.History;

/// <summary>
/// One entry of a workflow instance's append-only history. An instance's state is derived from its
/// history alone; replay re-runs the workflow code against these events.
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "type")]
[JsonDerivedType(typeof(WorkflowStarted), "workflowStarted")]
[JsonDerivedType(typeof(ActivityScheduled), "activityScheduled")]
[JsonDerivedType(typeof(ActivityCompleted), "activityCompleted")]
[JsonDerivedType(typeof(ActivityFailed), "activityFailed")]
[JsonDerivedType(typeof(TimerCreated), "timerCreated")]
[JsonDerivedType(typeof(TimerFired), "timerFired")]
[JsonDerivedType(typeof(StepCompleted), "stepCompleted")]
[JsonDerivedType(typeof(StepFailed), "stepFailed")]
[JsonDerivedType(typeof(WorkflowCompleted), "workflowCompleted")]
[JsonDerivedType(typeof(WorkflowFailed), "workflowFailed")]
public abstract record HistoryEvent
{
    /// <summary>When the event was recorded (UTC); the workflow's <see cref="IWorkflowContext.CurrentUtcDateTime"/> follows it.</summary>
    public DateTime Timestamp { get; init; }
}

/// <summary>An event that records a call the workflow made (a command), identified by its step number.</summary>
public interface IStepEvent
{
    /// <summary>The call's position among the workflow's calls, counting from 0.</summary>
    int StepId { get; }
}
