namespace Baton;

/// <summary>Thrown into workflow code when an activity it called failed; catch it to handle the failure.</summary>
/// <param name="activityName">The activity that failed.</param>
/// <param name="stepId">The call's step number in the workflow.</param>
/// <param name="failure">What the activity threw: type, message and stack.</param>
public sealed class ActivityFailedException(string activityName, int stepId, FailureDetails failure)
    : BatonException($"Activity '{activityName}' (step {stepId}) failed: {failure.ErrorType}: {failure.Message}")
{
    /// <summary>The activity that failed.</summary>
    public string ActivityName { get; } = activityName;

    /// <summary>The call's step number in the workflow.</summary>
    public int StepId { get; } = stepId;

    /// <summary>What the activity threw.</summary>
    public FailureDetails Failure { get; } = failure;
}
