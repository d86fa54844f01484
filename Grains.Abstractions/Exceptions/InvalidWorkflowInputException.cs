namespace Baton;

/// <summary>A workflow's input does not deserialise to the type the workflow declares.</summary>
/// <param name="workflowName">The workflow being started.</param>
/// <param name="expectedType">The declared input type.</param>
/// <param name="reason">What the deserialiser said.</param>
/// <param name="inner">The deserialiser's exception.</param>
public sealed class InvalidWorkflowInputException(string workflowName, Type expectedType, string reason, Exception? inner = null)
    : BatonException($"The input for workflow '{workflowName}' is not a valid {expectedType.Name}: {reason}", inner)
{
    /// <summary>The workflow being started.</summary>
    public string WorkflowName { get; } = workflowName;

    /// <summary>The declared input type.</summary>
    public Type ExpectedType { get; } = expectedType;
}
