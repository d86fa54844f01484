namespace Baton;

/// <summary>Thrown into workflow code when <see cref="IWorkflowContext.WaitForConditionAsync"/> ran out of attempts.</summary>
/// <param name="conditionName">The condition's name.</param>
/// <param name="attempts">How many times it was checked.</param>
public sealed class ConditionNotMetException(string conditionName, int attempts)
    : BatonException($"The condition '{conditionName}' was still not met after {attempts} checks.")
{
    /// <summary>The condition's name.</summary>
    public string ConditionName { get; } = conditionName;

    /// <summary>How many times it was checked.</summary>
    public int Attempts { get; } = attempts;
}
