namespace Baton;

/// <summary>Options of <see cref="IWorkflowContext.MapAsync{TItem, TResult}"/> and <see cref="IWorkflowContext.ParallelAsync{TResult}"/>.</summary>
public sealed record BatchOptions
{
    /// <summary>How many items run at once; 0 for all of them. Default: 0.</summary>
    public int MaxConcurrency { get; init; }

    /// <summary>When the batch is done. Default: <see cref="CompletionRule.AllSuccessful"/>.</summary>
    public CompletionRule Completion { get; init; } = CompletionRule.AllSuccessful;

    /// <summary>Options of each activity call (<see cref="IWorkflowContext.MapAsync{TItem, TResult}"/> only); null for the defaults.</summary>
    public ActivityOptions? Activity { get; init; }
}
