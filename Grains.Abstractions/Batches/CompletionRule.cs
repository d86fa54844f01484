namespace Baton;

/// <summary>
/// When a batch (<see cref="IWorkflowContext.MapAsync{TItem, TResult}"/>, <see cref="IWorkflowContext.ParallelAsync{TResult}"/>)
/// is done: it succeeds once <see cref="MinSuccessful"/> items have succeeded (or every item has finished
/// within the tolerated failures), and fails as soon as more items failed than it tolerates or the minimum
/// can no longer be reached. Items still running when the batch is decided are cancelled.
/// </summary>
/// <param name="MinSuccessful">Succeed as soon as this many items succeeded; null to wait for every item.</param>
/// <param name="ToleratedFailures">How many failures the batch survives; null for no count limit.</param>
/// <param name="ToleratedFailurePercentage">What share of items (0 to 100) may fail; null for no share limit.</param>
public sealed record CompletionRule(int? MinSuccessful = null, int? ToleratedFailures = null, double? ToleratedFailurePercentage = null)
{
    /// <summary>Every item must succeed; the first failure fails the batch.</summary>
    public static CompletionRule AllSuccessful { get; } = new(ToleratedFailures: 0);

    /// <summary>The first success completes the batch; it fails only if every item fails.</summary>
    public static CompletionRule FirstSuccessful { get; } = new(MinSuccessful: 1);

    /// <summary>Succeeds once <paramref name="count"/> items succeeded.</summary>
    /// <param name="count">How many successes are enough.</param>
    /// <returns>The rule.</returns>
    public static CompletionRule AtLeast(int count) => new(MinSuccessful: count);

    /// <summary>Runs every item and fails only when more than <paramref name="failures"/> failed.</summary>
    /// <param name="failures">How many failures are tolerated.</param>
    /// <returns>The rule.</returns>
    public static CompletionRule Tolerate(int failures) => new(ToleratedFailures: failures);

    /// <summary>Runs every item and fails only when more than <paramref name="percentage"/> percent failed.</summary>
    /// <param name="percentage">The tolerated share of failures, 0 to 100.</param>
    /// <returns>The rule.</returns>
    public static CompletionRule TolerateShare(double percentage) => new(ToleratedFailurePercentage: percentage);

    /// <summary>Decides the batch from its counts so far.</summary>
    /// <param name="total">How many items the batch has.</param>
    /// <param name="succeeded">How many succeeded.</param>
    /// <param name="failed">How many failed.</param>
    /// <returns>Null while undecided; true when it succeeded; false when it failed.</returns>
    public bool? Decide(int total, int succeeded, int failed)
    {
        var unfinished = total - succeeded - failed;
        if (ToleratedFailures is { } count && failed > count)
        {
            return false;
        }

        if (ToleratedFailurePercentage is { } share && failed > Math.Floor(total * share / 100))
        {
            return false;
        }

        if (MinSuccessful is { } min)
        {
            if (succeeded >= min)
            {
                return true;
            }

            if (succeeded + unfinished < min)
            {
                return false;
            }
        }

        return unfinished == 0 ? true : null;
    }

    /// <summary>Checks the rule against a batch size.</summary>
    /// <param name="total">How many items the batch has.</param>
    /// <exception cref="ArgumentException">A value is out of range.</exception>
    public void Validate(int total)
    {
        if (MinSuccessful is < 1 || MinSuccessful > total && total > 0 || ToleratedFailures is < 0 || ToleratedFailurePercentage is < 0 or > 100)
        {
            throw new ArgumentException($"Invalid completion rule {this} for a batch of {total}: MinSuccessful must be 1 to the item count, ToleratedFailures not negative and ToleratedFailurePercentage 0 to 100.");
        }
    }
}
