namespace Baton.Samples.AiPipeline;

/// <summary>
/// The offline embedder's and answerer's idea of a word: lower-case letters and digits, common English function words
/// left out, and a plural's final s dropped, so that "days" and "day" meet.
/// </summary>
internal static class Words
{
    private static readonly HashSet<string> Stop = new(StringComparer.Ordinal)
    {
        "a", "an", "and", "are", "as", "at", "be", "by", "can", "do", "does", "for", "from", "get", "has", "have", "how", "i",
        "in", "is", "it", "its", "many", "much", "of", "on", "or", "our", "that", "the", "their", "there", "this", "to", "up",
        "was", "we", "what", "when", "where", "which", "who", "why", "will", "with", "you", "your",
    };

    public static IEnumerable<string> Of(string text)
    {
        var start = -1;
        for (var i = 0; i <= text.Length; i++)
        {
            var inWord = i < text.Length && char.IsLetterOrDigit(text[i]);
            if (inWord && start < 0)
            {
                start = i;
            }
            else if (!inWord && start >= 0)
            {
                var word = Normalise(text[start..i]);
                start = -1;
                if (word is not null)
                {
                    yield return word;
                }
            }
        }
    }

    private static string? Normalise(string raw)
    {
        var word = raw.ToLowerInvariant();
        if (Stop.Contains(word))
        {
            return null;
        }

        return word.Length > 3 && word[^1] == 's' && word[^2] != 's' ? word[..^1] : word;
    }
}
