namespace Baton;

/// <summary>What a batch did: every item's outcome, in item order.</summary>
/// <typeparam name="T">The item result type.</typeparam>
/// <param name="Items">Every item's outcome, in item order.</param>
public sealed record BatchResult<T>(IReadOnlyList<BatchItemResult<T>> Items)
{
    /// <summary>The results of the items that succeeded, in item order.</summary>
    public IEnumerable<T> Results => Items.Where(i => i.Status == BatchItemStatus.Succeeded).Select(i => i.Result!);

    /// <summary>How many items succeeded.</summary>
    public int SucceededCount => Items.Count(i => i.Status == BatchItemStatus.Succeeded);

    /// <summary>How many items failed.</summary>
    public int FailedCount => Items.Count(i => i.Status == BatchItemStatus.Failed);
}

/// <summary>One item's outcome, with its result.</summary>
/// <typeparam name="T">The item result type.</typeparam>
/// <param name="Index">The item's position in the batch.</param>
/// <param name="Status">What happened to it.</param>
/// <param name="Result">Its result when it succeeded.</param>
/// <param name="Failure">Why it failed, when it did.</param>
public sealed record BatchItemResult<T>(int Index, BatchItemStatus Status, T? Result, FailureDetails? Failure);

/// <summary>One item's outcome, without its result (as carried by <see cref="BatchFailedException"/>).</summary>
/// <param name="Index">The item's position in the batch.</param>
/// <param name="Status">What happened to it.</param>
/// <param name="Failure">Why it failed, when it did.</param>
public sealed record BatchItemOutcome(int Index, BatchItemStatus Status, FailureDetails? Failure);

/// <summary>What happened to one item of a batch.</summary>
public enum BatchItemStatus
{
    /// <summary>The batch was decided before the item started.</summary>
    NotStarted,

    /// <summary>The item succeeded.</summary>
    Succeeded,

    /// <summary>The item failed.</summary>
    Failed,

    /// <summary>The item was running when the batch was decided, and was cancelled.</summary>
    Cancelled,
}
