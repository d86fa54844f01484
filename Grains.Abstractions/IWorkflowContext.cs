using Microsoft.Extensions.Logging;

namespace Baton;

/// <summary>
/// The deterministic context of a running workflow. Every call here is recorded in the instance's
/// history the first time and answered from history on replay.
/// </summary>
public interface IWorkflowContext
{
    /// <summary>The id of this workflow instance.</summary>
    string InstanceId { get; }

    /// <summary>The registered name of this workflow.</summary>
    string WorkflowName { get; }

    /// <summary>
    /// The current time, as recorded in history: the time at which the event the workflow is reacting to
    /// was processed. Use this instead of <see cref="DateTime.UtcNow"/>.
    /// </summary>
    DateTime CurrentUtcDateTime { get; }

    /// <summary>True while the workflow is re-executing events already in its history.</summary>
    bool IsReplaying { get; }

    /// <summary>A logger that writes only when <see cref="IsReplaying"/> is false, so each message appears once.</summary>
    ILogger Logger { get; }

    /// <summary>Schedules an activity and returns its result once a worker has run it.</summary>
    /// <typeparam name="TResult">The activity's output type.</typeparam>
    /// <param name="activityName">The registered name of the activity.</param>
    /// <param name="input">The input, serialised to JSON; null for none.</param>
    /// <param name="options">Routing options; null for the defaults.</param>
    /// <returns>The activity's result.</returns>
    /// <exception cref="ActivityFailedException">The activity threw; the exception carries its failure details.</exception>
    /// <exception cref="ActivityNotRegisteredException">No activity of that name is registered.</exception>
    Task<TResult> CallActivityAsync<TResult>(string activityName, object? input = null, ActivityOptions? options = null);

    /// <summary>
    /// Runs <paramref name="step"/> inline, in the workflow's own turn, and records its result in history:
    /// on replay the recorded result is returned and the step is not run again. If the silo crashes before
    /// the turn commits, the step runs again.
    /// </summary>
    /// <typeparam name="TResult">The step's result type; it must round-trip through JSON.</typeparam>
    /// <param name="name">A name for the step, checked on replay.</param>
    /// <param name="step">The work; unlike workflow code it may read clocks, do I/O and use any scheduler.</param>
    /// <returns>The step's (recorded) result.</returns>
    /// <exception cref="StepFailedException">The step threw; the exception carries its failure details.</exception>
    Task<TResult> StepAsync<TResult>(string name, Func<Task<TResult>> step);

    /// <summary>Creates a durable timer that fires at <paramref name="fireAtUtc"/>, even across restarts.</summary>
    /// <param name="fireAtUtc">When the timer fires, in UTC.</param>
    /// <returns>A task that completes when the timer fires.</returns>
    Task CreateTimer(DateTime fireAtUtc);

    /// <summary>Waits durably for <paramref name="delay"/> from <see cref="CurrentUtcDateTime"/>.</summary>
    /// <param name="delay">How long to wait; a workflow waiting costs a row on disk, not memory.</param>
    /// <returns>A task that completes when the delay has passed.</returns>
    Task DelayAsync(TimeSpan delay);

    /// <summary>Returns a GUID that is the same on every replay of this point in the workflow.</summary>
    /// <returns>A name-based (version 5) GUID derived from the instance id, the current time and a counter.</returns>
    Guid NewGuid();
}
