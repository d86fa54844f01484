using System.Text.Json.Serialization;
using Baton.Serialization;

namespace Baton.History;

// The history vocabulary, kept together so that it reads as one list.

/// <summary>The instance was started.</summary>
/// <param name="Name">The workflow's registered name.</param>
/// <param name="Input">The input as JSON, or null.</param>
public sealed record WorkflowStarted(
    string Name,
    [property: JsonConverter(typeof(RawJsonConverter))] string? Input) : HistoryEvent;

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
    [property: JsonConverter(typeof(RawJsonConverter))] string? Result) : HistoryEvent;

/// <summary>An activity threw.</summary>
/// <param name="StepId">The step number of the call.</param>
/// <param name="Failure">What it threw.</param>
public sealed record ActivityFailed(int StepId, FailureDetails Failure) : HistoryEvent;

/// <summary>The workflow created a durable timer (a command).</summary>
/// <param name="StepId">The timer's step number.</param>
/// <param name="FireAt">When it fires (UTC).</param>
public sealed record TimerCreated(int StepId, DateTime FireAt) : HistoryEvent, IStepEvent;

/// <summary>A durable timer fired.</summary>
/// <param name="StepId">The timer's step number.</param>
public sealed record TimerFired(int StepId) : HistoryEvent;

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
