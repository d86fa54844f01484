namespace Baton;

/// <summary>
/// Base class of an activity: a unit of work with side effects that a workflow calls by name. Activities
/// are resolved from the host's dependency-injection container (so their constructor may take services)
/// and run on a stateless worker on any silo.
/// </summary>
/// <remarks>
/// Delivery is at least once: after a crash an activity whose result was not yet recorded runs again, so
/// make activities idempotent (or tolerant of a repeat). Unlike workflow code, an activity may do anything:
/// I/O, clocks, randomness, <c>ConfigureAwait(false)</c>.
/// </remarks>
/// <typeparam name="TInput">The input type, deserialised from JSON.</typeparam>
/// <typeparam name="TOutput">The output type, serialised to JSON and recorded in the workflow's history.</typeparam>
public abstract class Activity<TInput, TOutput>
{
    /// <summary>Executes the activity once.</summary>
    /// <param name="context">What the activity knows about the call: instance, attempt, cancellation.</param>
    /// <param name="input">The input the workflow passed.</param>
    /// <returns>The result handed back to the workflow.</returns>
    public abstract Task<TOutput> RunAsync(ActivityContext context, TInput input);
}
