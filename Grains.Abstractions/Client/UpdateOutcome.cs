namespace Baton;

/// <summary>Where an accepted update stands: still running, or finished with a result or a failure.</summary>
/// <param name="UpdateId">The update's id.</param>
/// <param name="Completed">Whether its handler has finished (a result or a failure is recorded).</param>
/// <param name="Result">The handler's result as JSON, when it returned.</param>
/// <param name="Failure">What went wrong, when it failed.</param>
public sealed record UpdateOutcome(string UpdateId, bool Completed, string? Result = null, FailureDetails? Failure = null)
{
    /// <summary>The result of a finished update, or its failure thrown.</summary>
    /// <param name="instanceId">The instance, for the exception.</param>
    /// <returns>The handler's result as JSON, or null.</returns>
    /// <exception cref="UpdateFailedException">The handler threw, or the run ended first.</exception>
    /// <exception cref="InvalidOperationException">The update has not finished.</exception>
    public string? ResultOrThrow(string instanceId)
    {
        if (!Completed)
        {
            throw new InvalidOperationException($"Update '{UpdateId}' has not finished.");
        }

        return Failure is null ? Result : throw new UpdateFailedException(instanceId, UpdateId, Failure);
    }
}
