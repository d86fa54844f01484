namespace Baton.Samples.AiPipeline;

/// <summary>
/// Splits a document into chunks of whole paragraphs up to a size; a paragraph longer than that is split at sentence
/// ends. A heading stays with the paragraph after it, so that a chunk carries its topic.
/// </summary>
public static class TextChunker
{
    /// <summary>The default chunk size, in characters.</summary>
    public const int DefaultMaxChars = 300;

    /// <summary>The document's chunks, in order.</summary>
    public static IReadOnlyList<string> Split(string text, int maxChars = DefaultMaxChars)
    {
        var paragraphs = text.ReplaceLineEndings("\n")
            .Split("\n\n", StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .SelectMany(p => p.Length <= maxChars ? [p] : Sentences(p, maxChars));
        var chunks = new List<string>();
        var current = "";
        var heading = false;
        foreach (var paragraph in paragraphs)
        {
            if (current.Length > 0 && !heading && current.Length + 2 + paragraph.Length > maxChars)
            {
                chunks.Add(current);
                current = "";
            }

            current = current.Length == 0 ? paragraph : $"{current}\n\n{paragraph}";
            heading = paragraph.StartsWith('#');
        }

        if (current.Length > 0)
        {
            chunks.Add(current);
        }

        return chunks;
    }

    private static IEnumerable<string> Sentences(string paragraph, int maxChars)
    {
        var current = "";
        foreach (var sentence in paragraph.Split(". "))
        {
            var piece = sentence.EndsWith('.') ? sentence : sentence + ".";
            if (current.Length > 0 && current.Length + 1 + piece.Length > maxChars)
            {
                yield return current;
                current = "";
            }

            current = current.Length == 0 ? piece : $"{current} {piece}";
        }

        if (current.Length > 0)
        {
            yield return current;
        }
    }
}
