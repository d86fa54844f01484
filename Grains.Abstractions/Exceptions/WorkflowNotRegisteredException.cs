namespace Baton;

/// <summary>No workflow of the given name is registered with this host.</summary>
/// <param name="workflowName">The name that was asked for.</param>
[GenerateSerializer]
[Alias("Baton.WorkflowNotRegisteredException")]
public sealed class WorkflowNotRegisteredException(string workflowName)
    : BatonException($"No workflow named '{workflowName}' is registered.")
{
    /// <summary>The name that was asked for.</summary>
    [Id(0)]
    public string WorkflowName { get; } = workflowName;
}
