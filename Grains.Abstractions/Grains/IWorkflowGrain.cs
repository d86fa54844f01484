namespace Baton.Grains;

/// <summary>
/// One workflow instance, keyed by its instance id: it loads the instance's history on activation, replays it, and
/// runs a turn for whatever arrives (a start, activity results, inbox messages, fired timers), committing each turn
/// before acting on it. Clients reach it through <see cref="IWorkflowClient"/>; this interface is the runtime's.
/// </summary>
[Alias("Baton.IWorkflowGrain")]
public interface IWorkflowGrain : IGrainWithStringKey
{
    /// <summary>Creates the instance and runs its first turn, unless the id is taken.</summary>
    /// <param name="command">The workflow, version and input.</param>
    /// <returns>True when this call created the instance; false when the id was already taken.</returns>
    [Alias("Start")]
    Task<bool> StartAsync(StartCommand command);

    /// <summary>Reads the instance's inbox in the store and takes what is due: sent after a client or another instance wrote to it.</summary>
    /// <returns>A task that completes once what was due has been committed.</returns>
    [Alias("Wake")]
    Task WakeAsync();

    /// <summary>
    /// Completes when the instance finishes, or after <paramref name="wait"/>, whichever comes first: how a client on
    /// another silo learns of a finish as it happens, since the finishing commit signals waiters on the grain's silo only.
    /// </summary>
    /// <param name="wait">The longest the call is held; keep it under the cluster's response timeout.</param>
    /// <returns>True when the wait ended early: the instance finished, or its grain is deactivating; read the status either way.</returns>
    [Alias("WaitUntilFinished")]
    Task<bool> WaitUntilFinishedAsync(TimeSpan wait);

    /// <summary>Hands over activity results (those of the instance that finished together); the call completes once a commit has recorded them.</summary>
    /// <param name="results">The steps and their outcomes.</param>
    /// <returns>A task that completes once the results are durable.</returns>
    [Alias("ActivityResults")]
    Task DeliverActivityResultsAsync(ActivityResultMessage[] results);

    /// <summary>
    /// Validates an update against the running instance and records its acceptance (once per update id), then waits at
    /// most <paramref name="wait"/> for its handler to finish; a caller that gets a running outcome calls again with the
    /// same request.
    /// </summary>
    /// <param name="request">The update's id, name and input.</param>
    /// <param name="wait">The longest the call is held; keep it under the cluster's response timeout.</param>
    /// <returns>Where the update stands.</returns>
    [Alias("Update")]
    Task<UpdateOutcome> UpdateAsync(UpdateRequest request, TimeSpan wait);
}
