using Baton.History;

namespace Baton;

/// <summary>One page of an instance's history, oldest events first.</summary>
/// <param name="Events">The events on this page.</param>
/// <param name="ContinuationToken">The token for the next page, or null when this page ends the history.</param>
public sealed record HistoryPage(IReadOnlyList<HistoryEvent> Events, string? ContinuationToken);
