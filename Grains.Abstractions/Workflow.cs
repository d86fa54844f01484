namespace Baton;

/// <summary>
/// Base class of a durable workflow (an orchestration): ordinary C# code that Baton replays from the
/// instance's event history after every restart, so it must be deterministic.
/// </summary>
/// <remarks>
/// <para>
/// The workflow reaches the outside world only through <see cref="IWorkflowContext"/>: activities,
/// inline steps, durable timers, the current time and new GUIDs all come from the context, because the
/// context records them in history and returns the recorded values on replay.
/// </para>
/// <para>
/// Do not read <see cref="DateTime.UtcNow"/>, <see cref="Guid.NewGuid"/>, <see cref="Random"/>, files,
/// the network or static mutable state; do not start threads, call <see cref="Task.Run(Action)"/> or
/// <see cref="Task.Delay(TimeSpan)"/>, and do not use <c>ConfigureAwait(false)</c>: each of these either
/// gives a different answer on replay or leaves Baton's single-threaded workflow scheduler. A workflow
/// whose replay takes a different path than its history recorded fails with
/// <see cref="NonDeterministicWorkflowException"/>.
/// </para>
/// <para>Fan-out is plain <see cref="Task.WhenAll{TResult}(IEnumerable{Task{TResult}})"/> over activity calls.</para>
/// </remarks>
/// <typeparam name="TInput">The input type, deserialised from JSON.</typeparam>
/// <typeparam name="TOutput">The output type, serialised to JSON when the workflow completes.</typeparam>
public abstract class Workflow<TInput, TOutput>
{
    /// <summary>Runs (and, after a restart, re-runs by replay) the workflow's logic.</summary>
    /// <param name="context">The deterministic context: the only door to the outside world.</param>
    /// <param name="input">The input the instance was started with.</param>
    /// <returns>The workflow's output.</returns>
    public abstract Task<TOutput> RunAsync(IWorkflowContext context, TInput input);
}
