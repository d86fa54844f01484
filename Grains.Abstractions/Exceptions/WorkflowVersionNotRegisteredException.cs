namespace Baton;

/// <summary>An instance runs a workflow version that this host does not have registered, so it cannot replay here.</summary>
/// <param name="workflowName">The workflow name.</param>
/// <param name="version">The instance's version.</param>
public sealed class WorkflowVersionNotRegisteredException(string workflowName, int version)
    : BatonException($"Version {version} of workflow '{workflowName}' is not registered on this host; the instance waits, untouched, for a host that has it.")
{
    /// <summary>The workflow name.</summary>
    public string WorkflowName { get; } = workflowName;

    /// <summary>The instance's version.</summary>
    public int Version { get; } = version;
}
