namespace Baton;

/// <summary>An accepted update did not complete: its handler threw, or the workflow's run ended first. Both are recorded in history.</summary>
/// <param name="instanceId">The instance.</param>
/// <param name="updateId">The update's id.</param>
/// <param name="failure">What the handler threw, or why the run ended first.</param>
public sealed class UpdateFailedException(string instanceId, string updateId, FailureDetails failure)
    : BatonException($"Update '{updateId}' of instance '{instanceId}' failed: {failure.ErrorType}: {failure.Message}")
{
    /// <summary>The instance.</summary>
    public string InstanceId { get; } = instanceId;

    /// <summary>The update's id.</summary>
    public string UpdateId { get; } = updateId;

    /// <summary>What the handler threw, or why the run ended first.</summary>
    public FailureDetails Failure { get; } = failure;
}
