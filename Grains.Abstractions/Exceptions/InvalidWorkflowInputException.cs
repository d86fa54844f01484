namespace Baton;

/// <summary>A workflow's input does not deserialise to the type the workflow declares, or fails its validation rules.</summary>
[GenerateSerializer]
[Alias("Baton.InvalidWorkflowInputException")]
public sealed class InvalidWorkflowInputException : BatonException
{
    /// <summary>Creates the exception for an input that does not deserialise.</summary>
    /// <param name="workflowName">The workflow being started.</param>
    /// <param name="expectedType">The declared input type.</param>
    /// <param name="reason">What the deserialiser said.</param>
    /// <param name="inner">The deserialiser's exception.</param>
    public InvalidWorkflowInputException(string workflowName, Type expectedType, string reason, Exception? inner = null)
        : this(workflowName, expectedType.Name, reason, null, inner)
    {
        ExpectedType = expectedType;
    }

    /// <summary>Creates the exception for an input whose fields do not fit its type or break its rules.</summary>
    /// <param name="workflowName">The workflow being started.</param>
    /// <param name="expectedType">The declared input type.</param>
    /// <param name="reason">What is wrong with the input, in one sentence.</param>
    /// <param name="errors">Every field error, by JSON path (<c>amount</c>, <c>lines[2].quantity</c>; empty for the input as a whole).</param>
    /// <param name="inner">The deserialiser's exception, when it refused the input.</param>
    public InvalidWorkflowInputException(string workflowName, Type expectedType, string reason, IReadOnlyDictionary<string, string[]> errors, Exception? inner = null)
        : this(workflowName, expectedType.Name, reason, errors, inner)
    {
        ExpectedType = expectedType;
    }

    /// <summary>Creates the exception from its parts, as the HTTP client does from a problem details answer.</summary>
    /// <param name="workflowName">The workflow being started.</param>
    /// <param name="expectedTypeName">The declared input type's name.</param>
    /// <param name="reason">What is wrong with the input.</param>
    /// <param name="errors">The validation errors by field, when the input deserialised but broke its rules.</param>
    /// <param name="inner">The underlying exception.</param>
    public InvalidWorkflowInputException(string workflowName, string expectedTypeName, string reason, IReadOnlyDictionary<string, string[]>? errors = null, Exception? inner = null)
        : base($"The input for workflow '{workflowName}' is not a valid {expectedTypeName}: {reason}", inner)
    {
        WorkflowName = workflowName;
        ExpectedTypeName = expectedTypeName;
        Reason = reason;
        Errors = errors ?? new Dictionary<string, string[]>();
    }

    /// <summary>The workflow being started.</summary>
    [Id(0)]
    public string WorkflowName { get; }

    /// <summary>The declared input type, when known in this process (null when the error came over HTTP).</summary>
    // The type stays on the side that threw; its name travels.
    [field: NonSerialized]
    public Type? ExpectedType { get; }

    /// <summary>The declared input type's name.</summary>
    [Id(1)]
    public string ExpectedTypeName { get; }

    /// <summary>What is wrong with the input.</summary>
    [Id(2)]
    public string Reason { get; }

    /// <summary>The errors by field: values that do not fit their type, and broken validation rules (empty when the input is wrong as a whole).</summary>
    [Id(3)]
    public IReadOnlyDictionary<string, string[]> Errors { get; }
}
