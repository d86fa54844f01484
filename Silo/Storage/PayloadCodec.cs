using System.Text;
using System.Text.RegularExpressions;

namespace Baton.Silo.Storage;

/// <summary>
/// How an encoded payload is stored: <c>{"$enc":"v1.{tag}.{base64}"}</c>, a JSON object, so that the rows around it stay
/// valid JSON, naming the tag its <see cref="IPayloadCodec"/> needs to decode it. Custom statuses and failure messages
/// are not payloads: they stay readable, and listings can still filter by custom status.
/// </summary>
internal static partial class PayloadCodec
{
    private const string Prefix = "{\"$enc\":\"v1.";

    /// <summary>True when the stored text is an encoded payload.</summary>
    public static bool IsEncoded(string? stored) => stored is not null && stored.StartsWith(Prefix, StringComparison.Ordinal);

    /// <summary>The payload as the codec encodes it; as it is without a codec, or when the codec leaves it.</summary>
    public static string Encode(IPayloadCodec? codec, string json)
    {
        if (codec?.Encode(Encoding.UTF8.GetBytes(json), out var tag) is not { } encoded)
        {
            return json;
        }

        if (!Tag().IsMatch(tag))
        {
            throw new InvalidOperationException($"The payload codec {codec.GetType().Name} gave the tag '{tag}'; a tag is 1 to 64 letters, digits, - or _.");
        }

        return $"{Prefix}{tag}.{Convert.ToBase64String(encoded)}\"}}";
    }

    /// <summary>The payload a stored text holds: decoded when it is encoded, as it is otherwise.</summary>
    /// <exception cref="InvalidOperationException">It is encoded and no codec is configured, or the codec cannot decode it.</exception>
    public static string Decode(IPayloadCodec? codec, string stored)
    {
        if (!IsEncoded(stored))
        {
            return stored;
        }

        var rest = stored.AsSpan(Prefix.Length);
        var dot = rest.IndexOf('.');
        var tag = rest[..dot].ToString();
        if (codec is null)
        {
            throw new InvalidOperationException($"A payload in the store is encoded (tag '{tag}') and no payload codec is configured: set Baton:PayloadKeys with key '{tag}', or register the IPayloadCodec that wrote it.");
        }

        return Encoding.UTF8.GetString(codec.Decode(tag, Convert.FromBase64String(rest[(dot + 1)..^2].ToString())));
    }

    [GeneratedRegex("^[A-Za-z0-9_-]{1,64}$")]
    private static partial Regex Tag();
}
