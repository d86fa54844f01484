using System.Security.Cryptography;
using System.Text;

namespace Baton.Silo.Storage;

/// <summary>
/// Encrypts payloads at rest (inputs, outputs, results, event data, in history, inbox, work item and payload rows) with
/// AES-256-GCM under named keys. An encrypted payload is stored as the JSON object <c>{"$enc":"v1.{key}.{data}"}</c>, so
/// the rows around it stay valid JSON; it names its key, so that after a rotation (a new active key beside the old ones)
/// every payload still decrypts. Custom statuses and failure messages are not payloads: they stay readable, and
/// listings can still filter by custom status.
/// </summary>
internal sealed class PayloadCodec
{
    private const string Prefix = "{\"$enc\":\"v1.";
    private const int NonceBytes = 12;
    private const int TagBytes = 16;

    private readonly Dictionary<string, byte[]> _keys;
    private readonly string? _active;

    private PayloadCodec(Dictionary<string, byte[]> keys, string? active) => (_keys, _active) = (keys, active);

    /// <summary>The codec the options describe; null when they name no key (payloads are stored as they are).</summary>
    public static PayloadCodec? From(BatonOptions options) =>
        options.PayloadKeys.Count == 0 ? null
            : new PayloadCodec(options.PayloadKeys.ToDictionary(k => k.Key, k => Convert.FromBase64String(k.Value), StringComparer.Ordinal), options.ActivePayloadKey);

    /// <summary>True when the stored text is an encrypted payload.</summary>
    public static bool IsEncrypted(string? stored) => stored is not null && stored.StartsWith(Prefix, StringComparison.Ordinal);

    /// <summary>The payload encrypted under the active key; as it is when no key is active.</summary>
    public string Encrypt(string json)
    {
        if (_active is null)
        {
            return json;
        }

        var plain = Encoding.UTF8.GetBytes(json);
        var sealedBytes = new byte[NonceBytes + TagBytes + plain.Length];
        var nonce = sealedBytes.AsSpan(0, NonceBytes);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(_keys[_active], TagBytes);
        aes.Encrypt(nonce, plain, sealedBytes.AsSpan(NonceBytes + TagBytes), sealedBytes.AsSpan(NonceBytes, TagBytes), Encoding.UTF8.GetBytes(_active));
        return $"{Prefix}{_active}.{Convert.ToBase64String(sealedBytes)}\"}}";
    }

    /// <summary>The payload a stored text holds: decrypted when it is encrypted, as it is otherwise.</summary>
    /// <exception cref="InvalidOperationException">It is encrypted under a key that is not configured, or does not decrypt (altered).</exception>
    public static string Decrypt(PayloadCodec? codec, string stored)
    {
        if (!IsEncrypted(stored))
        {
            return stored;
        }

        var rest = stored.AsSpan(Prefix.Length);
        var dot = rest.IndexOf('.');
        var keyId = rest[..dot].ToString();
        if (codec is null || !codec._keys.TryGetValue(keyId, out var key))
        {
            throw new InvalidOperationException($"A payload in the store is encrypted with key '{keyId}', which Baton:PayloadKeys does not hold.");
        }

        var sealedBytes = Convert.FromBase64String(rest[(dot + 1)..^2].ToString());
        var plain = new byte[sealedBytes.Length - NonceBytes - TagBytes];
        try
        {
            using var aes = new AesGcm(key, TagBytes);
            aes.Decrypt(sealedBytes.AsSpan(0, NonceBytes), sealedBytes.AsSpan(NonceBytes + TagBytes), sealedBytes.AsSpan(NonceBytes, TagBytes), plain, Encoding.UTF8.GetBytes(keyId));
        }
        catch (AuthenticationTagMismatchException ex)
        {
            throw new InvalidOperationException($"A payload encrypted with key '{keyId}' does not decrypt: the key is not the one it was written with, or the row was altered.", ex);
        }

        return Encoding.UTF8.GetString(plain);
    }
}
