namespace Baton;

/// <summary>Thrown into workflow code when an inline step (<see cref="IWorkflowContext.StepAsync{TResult}"/>) failed.</summary>
/// <param name="stepName">The step's name.</param>
/// <param name="stepId">The step's number in the workflow.</param>
/// <param name="failure">What the step threw.</param>
public sealed class StepFailedException(string stepName, int stepId, FailureDetails failure)
    : BatonException($"Step '{stepName}' (step {stepId}) failed: {failure.ErrorType}: {failure.Message}")
{
    /// <summary>The step's name.</summary>
    public string StepName { get; } = stepName;

    /// <summary>The step's number in the workflow.</summary>
    public int StepId { get; } = stepId;

    /// <summary>What the step threw.</summary>
    public FailureDetails Failure { get; } = failure;
}
