namespace Baton;

/// <summary>Thrown into workflow code when a child workflow it called failed or was terminated.</summary>
/// <param name="workflowName">The child's workflow name.</param>
/// <param name="instanceId">The child's instance id.</param>
/// <param name="stepId">The parent's call's step number.</param>
/// <param name="failure">Why the child failed.</param>
public sealed class ChildWorkflowFailedException(string workflowName, string instanceId, int stepId, FailureDetails failure)
    : BatonException($"Child workflow '{workflowName}' ({instanceId}, step {stepId}) failed: {failure.ErrorType}: {failure.Message}")
{
    /// <summary>The child's workflow name.</summary>
    public string WorkflowName { get; } = workflowName;

    /// <summary>The child's instance id.</summary>
    public string InstanceId { get; } = instanceId;

    /// <summary>The parent's call's step number.</summary>
    public int StepId { get; } = stepId;

    /// <summary>Why the child failed.</summary>
    public FailureDetails Failure { get; } = failure;
}
