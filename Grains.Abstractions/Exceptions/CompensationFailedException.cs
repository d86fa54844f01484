namespace Baton;

/// <summary>One or more compensations of a <see cref="Compensations"/> saga threw; the others still ran.</summary>
/// <param name="failures">What each failing compensation threw, in the order they ran.</param>
public sealed class CompensationFailedException(IReadOnlyList<FailureDetails> failures)
    : BatonException($"{failures.Count} compensation(s) failed; first: {failures[0].ErrorType}: {failures[0].Message}")
{
    /// <summary>What each failing compensation threw, in the order they ran.</summary>
    public IReadOnlyList<FailureDetails> Failures { get; } = failures;
}
