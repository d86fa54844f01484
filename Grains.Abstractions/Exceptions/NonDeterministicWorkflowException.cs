namespace Baton;

/// <summary>
/// A workflow took a different path on replay than its history recorded (its code changed, or it read
/// the clock, a GUID or another outside value directly). The instance fails rather than continue with a
/// wrong result.
/// </summary>
public sealed class NonDeterministicWorkflowException : BatonException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="instanceId">The instance whose replay diverged.</param>
    /// <param name="stepId">The step (position among the workflow's calls) at which it diverged.</param>
    /// <param name="detail">What history recorded and what the code did instead.</param>
    public NonDeterministicWorkflowException(string instanceId, int stepId, string detail)
        : base($"Non-deterministic workflow: instance '{instanceId}' at step {stepId}: {detail}")
    {
        InstanceId = instanceId;
        StepId = stepId;
    }

    /// <summary>The instance whose replay diverged.</summary>
    public string InstanceId { get; }

    /// <summary>The step at which replay diverged.</summary>
    public int StepId { get; }
}
