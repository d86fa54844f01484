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
[JsonDerivedType(typeof(EventWaitStarted), "eventWaitStarted")]
[JsonDerivedType(typeof(EventRaised), "eventRaised")]
[JsonDerivedType(typeof(CallbackCreated), "callbackCreated")]
[JsonDerivedType(typeof(CallbackCompleted), "callbackCompleted")]
[JsonDerivedType(typeof(CallbackFailed), "callbackFailed")]
[JsonDerivedType(typeof(CallbackHeartbeat), "callbackHeartbeat")]
[JsonDerivedType(typeof(ChildWorkflowScheduled), "childWorkflowScheduled")]
[JsonDerivedType(typeof(ChildWorkflowCompleted), "childWorkflowCompleted")]
[JsonDerivedType(typeof(ChildWorkflowFailed), "childWorkflowFailed")]
[JsonDerivedType(typeof(WorkflowTerminated), "workflowTerminated")]
[JsonDerivedType(typeof(WorkflowSuspended), "workflowSuspended")]
[JsonDerivedType(typeof(WorkflowResumed), "workflowResumed")]
[JsonDerivedType(typeof(WorkflowRewound), "workflowRewound")]
[JsonDerivedType(typeof(UpdateAccepted), "updateAccepted")]
[JsonDerivedType(typeof(UpdateCompleted), "updateCompleted")]
[JsonDerivedType(typeof(UpdateFailed), "updateFailed")]
[JsonDerivedType(typeof(EventSent), "eventSent")]
public abstract record HistoryEvent
{
    /// <summary>When the event was recorded (UTC); the workflow's <see cref="IWorkflowContext.CurrentUtcDateTime"/> follows it.</summary>
    public DateTime Timestamp { get; init; }
}

/// <summary>An event that answers a call the workflow made, addressed by the call's step number.</summary>
public interface IStepAnswer
{
    /// <summary>The step number of the call this answers.</summary>
    int StepId { get; }
}

/// <summary>An event that records a call the workflow made (a command), identified by its step number.</summary>
public interface IStepEvent
{
    /// <summary>The call's position among the workflow's calls, counting from 0.</summary>
    int StepId { get; }
}
