using System.Text.Json.Serialization;
using Baton.Serialization;

namespace Baton.History;

// The history vocabulary, kept together so that it reads as one list.

/// <summary>The instance (or a new generation of it, after <see cref="IWorkflowContext.ContinueAsNew"/>) was started.</summary>
/// <param name="Name">The workflow's registered name.</param>
/// <param name="Input">The input as JSON, or null.</param>
/// <param name="Version">The workflow version the instance runs; it keeps it for life.</param>
/// <param name="StepBase">The first step number of this generation, so that answers meant for an earlier generation never match.</param>
/// <param name="Parent">The parent instance and its call, when this is a child workflow.</param>
public sealed record WorkflowStarted(
    string Name,
    [property: JsonConverter(typeof(RawJsonConverter))] string? Input,
    int Version = 1,
    int StepBase = 0,
    ParentInstance? Parent = null) : HistoryEvent;

/// <summary>The parent of a child workflow instance.</summary>
/// <param name="InstanceId">The parent's instance id.</param>
/// <param name="StepId">The step number of the parent's call.</param>
public sealed record ParentInstance(string InstanceId, int StepId);

/// <summary>The workflow called an activity (a command).</summary>
/// <param name="StepId">The call's step number.</param>
/// <param name="Name">The activity's registered name.</param>
/// <param name="Input">The input as JSON, or null.</param>
/// <param name="Queue">The queue the call was routed to.</param>
public sealed record ActivityScheduled(
    int StepId,
    string Name,
    [property: JsonConverter(typeof(RawJsonConverter))] string? Input,
    string Queue) : HistoryEvent, IStepEvent;

/// <summary>An activity returned.</summary>
/// <param name="StepId">The step number of the call.</param>
/// <param name="Result">The result as JSON, or null.</param>
public sealed record ActivityCompleted(
    int StepId,
    [property: JsonConverter(typeof(RawJsonConverter))] string? Result) : HistoryEvent, IStepAnswer;

/// <summary>An activity threw.</summary>
/// <param name="StepId">The step number of the call.</param>
/// <param name="Failure">What it threw.</param>
public sealed record ActivityFailed(int StepId, FailureDetails Failure) : HistoryEvent, IStepAnswer;

/// <summary>The workflow created a durable timer (a command).</summary>
/// <param name="StepId">The timer's step number.</param>
/// <param name="FireAt">When it fires (UTC).</param>
public sealed record TimerCreated(int StepId, DateTime FireAt) : HistoryEvent, IStepEvent;

/// <summary>A durable timer fired.</summary>
/// <param name="StepId">The timer's step number.</param>
public sealed record TimerFired(int StepId) : HistoryEvent, IStepAnswer;

/// <summary>An inline step ran and returned; recorded so that replay returns the result without running it.</summary>
/// <param name="StepId">The step's number.</param>
/// <param name="Name">The step's name.</param>
/// <param name="Result">The result as JSON, or null.</param>
public sealed record StepCompleted(
    int StepId,
    string Name,
    [property: JsonConverter(typeof(RawJsonConverter))] string? Result) : HistoryEvent, IStepEvent;

/// <summary>An inline step threw.</summary>
/// <param name="StepId">The step's number.</param>
/// <param name="Name">The step's name.</param>
/// <param name="Failure">What it threw.</param>
public sealed record StepFailed(int StepId, string Name, FailureDetails Failure) : HistoryEvent, IStepEvent;

/// <summary>The workflow returned.</summary>
/// <param name="Output">The output as JSON, or null.</param>
public sealed record WorkflowCompleted(
    [property: JsonConverter(typeof(RawJsonConverter))] string? Output) : HistoryEvent;

/// <summary>The workflow failed: it threw, or its replay was non-deterministic.</summary>
/// <param name="Failure">Why.</param>
public sealed record WorkflowFailed(FailureDetails Failure) : HistoryEvent;

/// <summary>The workflow began waiting for an outside event (a command).</summary>
/// <param name="StepId">The wait's step number; a timeout is a timer on the same step.</param>
/// <param name="Name">The event name (case-insensitive).</param>
/// <param name="TimeoutAt">When the wait times out (UTC), if it does.</param>
public sealed record EventWaitStarted(int StepId, string Name, DateTime? TimeoutAt) : HistoryEvent, IStepEvent;

/// <summary>An outside event reached the instance. Kept until a wait of the same name takes it.</summary>
/// <param name="Name">The event name (case-insensitive).</param>
/// <param name="Input">The event data as JSON, or null.</param>
public sealed record EventRaised(
    string Name,
    [property: JsonConverter(typeof(RawJsonConverter))] string? Input) : HistoryEvent;

/// <summary>The workflow created a callback that an outside system completes with a signed token (a command).</summary>
/// <param name="StepId">The callback's step number.</param>
/// <param name="Name">The callback's name.</param>
/// <param name="TokenId">The token's unique part; the token itself is signed and never stored.</param>
/// <param name="TimeoutAt">When the callback times out (UTC), if it does.</param>
/// <param name="HeartbeatTimeout">How long the outside system may go without a heartbeat, if it must send them.</param>
public sealed record CallbackCreated(int StepId, string Name, string TokenId, DateTime? TimeoutAt, TimeSpan? HeartbeatTimeout) : HistoryEvent, IStepEvent;

/// <summary>An outside system completed a callback.</summary>
/// <param name="StepId">The callback's step number.</param>
/// <param name="Result">The result as JSON, or null.</param>
public sealed record CallbackCompleted(
    int StepId,
    [property: JsonConverter(typeof(RawJsonConverter))] string? Result) : HistoryEvent, IStepAnswer;

/// <summary>An outside system reported a callback's work as failed.</summary>
/// <param name="StepId">The callback's step number.</param>
/// <param name="Failure">What it reported.</param>
public sealed record CallbackFailed(int StepId, FailureDetails Failure) : HistoryEvent, IStepAnswer;

/// <summary>An outside system reported that a callback's work is still in progress.</summary>
/// <param name="StepId">The callback's step number.</param>
public sealed record CallbackHeartbeat(int StepId) : HistoryEvent, IStepAnswer;

/// <summary>The workflow started a child workflow (a command).</summary>
/// <param name="StepId">The call's step number.</param>
/// <param name="Name">The child's workflow name.</param>
/// <param name="InstanceId">The child's instance id.</param>
/// <param name="Input">The child's input as JSON, or null.</param>
public sealed record ChildWorkflowScheduled(
    int StepId,
    string Name,
    string InstanceId,
    [property: JsonConverter(typeof(RawJsonConverter))] string? Input) : HistoryEvent, IStepEvent;

/// <summary>A child workflow completed.</summary>
/// <param name="StepId">The step number of the parent's call.</param>
/// <param name="Output">The child's output as JSON, or null.</param>
public sealed record ChildWorkflowCompleted(
    int StepId,
    [property: JsonConverter(typeof(RawJsonConverter))] string? Output) : HistoryEvent, IStepAnswer;

/// <summary>A child workflow failed or was terminated.</summary>
/// <param name="StepId">The step number of the parent's call.</param>
/// <param name="Failure">Why.</param>
public sealed record ChildWorkflowFailed(int StepId, FailureDetails Failure) : HistoryEvent, IStepAnswer;

/// <summary>An operator terminated the instance.</summary>
/// <param name="Reason">The operator's reason.</param>
public sealed record WorkflowTerminated(string? Reason) : HistoryEvent;

/// <summary>An operator suspended the instance: later events are kept and applied on resume.</summary>
/// <param name="Reason">The operator's reason.</param>
public sealed record WorkflowSuspended(string? Reason) : HistoryEvent;

/// <summary>An operator resumed a suspended instance.</summary>
/// <param name="Reason">The operator's reason.</param>
public sealed record WorkflowResumed(string? Reason) : HistoryEvent;

/// <summary>
/// An operator rewound a failed instance: its history was cut before the first failure and the calls
/// pending at that point were issued again.
/// </summary>
/// <param name="Reason">The operator's reason.</param>
/// <param name="RerunSteps">Inline steps whose failure was cut away; they run again.</param>
public sealed record WorkflowRewound(string? Reason, IReadOnlyList<int> RerunSteps) : HistoryEvent;

/// <summary>A client's update passed the workflow's validator and was taken: its handler runs from here (see <see cref="IWorkflowContext.SetUpdateHandler"/>).</summary>
/// <param name="UpdateId">The update's id, unique within the instance; a second request with it is answered, not run again.</param>
/// <param name="Name">The update's name (case-insensitive).</param>
/// <param name="Input">The update's input as JSON, or null.</param>
public sealed record UpdateAccepted(
    string UpdateId,
    string Name,
    [property: JsonConverter(typeof(RawJsonConverter))] string? Input) : HistoryEvent;

/// <summary>An update's handler returned; the client that sent it is answered with the result.</summary>
/// <param name="UpdateId">The update's id.</param>
/// <param name="Result">The result as JSON, or null.</param>
public sealed record UpdateCompleted(
    string UpdateId,
    [property: JsonConverter(typeof(RawJsonConverter))] string? Result) : HistoryEvent;

/// <summary>An update's handler threw, or the run ended before it returned.</summary>
/// <param name="UpdateId">The update's id.</param>
/// <param name="Failure">Why.</param>
public sealed record UpdateFailed(string UpdateId, FailureDetails Failure) : HistoryEvent;

/// <summary>The workflow sent an event to another instance (a command): to a workflow, or an operation to an entity.</summary>
/// <param name="StepId">The send's step number.</param>
/// <param name="InstanceId">The instance it went to.</param>
/// <param name="Name">The event's name.</param>
/// <param name="Input">The event's data as JSON, or null.</param>
/// <param name="StartsWorkflow">For an entity: the workflow its instance is created with when it does not exist yet; null otherwise.</param>
public sealed record EventSent(
    int StepId,
    string InstanceId,
    string Name,
    [property: JsonConverter(typeof(RawJsonConverter))] string? Input,
    string? StartsWorkflow = null) : HistoryEvent, IStepEvent;
