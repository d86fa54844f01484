namespace Baton;

/// <summary>Options of <see cref="IWorkflowContext.CallWorkflowAsync{TResult}"/>.</summary>
public sealed record ChildWorkflowOptions
{
    /// <summary>The child's instance id; null for one derived from the parent's id and the call's step (the same on replay). Default: null.</summary>
    public string? InstanceId { get; init; }
}
