namespace Baton.Samples.AiPipeline;

/// <summary>
/// The offline answerer: no model writes anything. It quotes the source sentences that share the most words with the
/// question (two at most, in the order of the sources), and says that it is quoting.
/// </summary>
public sealed class ExtractiveAnswerer : IAnswerer
{
    /// <summary>The name it goes by.</summary>
    public const string Name = "offline-extractive";

    string IAnswerer.Name => Name;

    /// <inheritdoc />
    public Task<string> AnswerAsync(string question, IReadOnlyList<(SearchHit Hit, string Text)> sources, CancellationToken cancellationToken)
    {
        var asked = Words.Of(question).ToHashSet(StringComparer.Ordinal);
        var best = sources
            .SelectMany((source, rank) => Sentences(source.Text).Select((sentence, position) => (sentence, rank, position, score: Score(sentence, asked))))
            .Where(s => s.score > 0)
            .OrderByDescending(s => s.score).ThenBy(s => s.rank).ThenBy(s => s.position)
            .Take(2)
            .OrderBy(s => s.rank).ThenBy(s => s.position)
            .Select(s => s.sentence)
            .ToList();
        return Task.FromResult(best.Count == 0
            ? "The documents found do not share any words with the question; no model is configured to say more."
            : $"From the documents (quoted; no model is configured): {string.Join(" ", best)}");
    }

    private static double Score(string sentence, HashSet<string> asked)
    {
        var words = Words.Of(sentence).ToList();
        return words.Count == 0 ? 0 : words.Distinct(StringComparer.Ordinal).Count(asked.Contains) + 0.01 * words.Count(asked.Contains) / words.Count;
    }

    private static IEnumerable<string> Sentences(string text) =>
        text.ReplaceLineEndings("\n").Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(line => !line.StartsWith('#'))
            .SelectMany(line => line.Split(". ", StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            .Select(s => s.EndsWith('.') ? s : s + ".");
}
