using System.Text;

namespace Baton.Grains.Replay;

/// <summary>The limit on one payload (an input, output, result or event's data), in UTF-8 bytes.</summary>
public static class PayloadLimit
{
    /// <summary>The default limit: 16 MiB.</summary>
    public const long DefaultMaxBytes = 16 * 1024 * 1024;

    /// <summary>Throws when <paramref name="json"/> is longer than <paramref name="maxBytes"/>.</summary>
    /// <param name="json">The payload.</param>
    /// <param name="maxBytes">The limit.</param>
    /// <param name="what">Which payload, for the message.</param>
    /// <exception cref="PayloadTooLargeException">It is too large.</exception>
    public static void Check(string? json, long maxBytes, string what)
    {
        // A UTF-16 char is at most 3 UTF-8 bytes, so short strings need no count.
        if (json is null || (long)json.Length * 3 <= maxBytes)
        {
            return;
        }

        var bytes = Encoding.UTF8.GetByteCount(json);
        if (bytes > maxBytes)
        {
            throw new PayloadTooLargeException(what, bytes, maxBytes);
        }
    }
}
