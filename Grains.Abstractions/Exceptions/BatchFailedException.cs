namespace Baton;

/// <summary>Thrown into workflow code when a <see cref="IWorkflowContext.MapAsync{TItem, TResult}"/> or <see cref="IWorkflowContext.ParallelAsync{TResult}"/> batch can no longer meet its completion rule.</summary>
/// <param name="rule">The rule that was not met.</param>
/// <param name="outcomes">Every item's outcome when the batch stopped.</param>
public sealed class BatchFailedException(CompletionRule rule, IReadOnlyList<BatchItemOutcome> outcomes)
    : BatonException($"The batch of {outcomes.Count} items cannot meet its rule ({rule}): " +
        $"{outcomes.Count(o => o.Status == BatchItemStatus.Succeeded)} succeeded, {outcomes.Count(o => o.Status == BatchItemStatus.Failed)} failed" +
        (outcomes.FirstOrDefault(o => o.Failure is not null)?.Failure is { } first ? $"; first failure: {first.Message}" : "."))
{
    /// <summary>The rule that was not met.</summary>
    public CompletionRule Rule { get; } = rule;

    /// <summary>Every item's outcome when the batch stopped, in item order.</summary>
    public IReadOnlyList<BatchItemOutcome> Outcomes { get; } = outcomes;
}
