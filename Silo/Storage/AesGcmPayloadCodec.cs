using System.Security.Cryptography;
using System.Text;

namespace Baton.Silo.Storage;

/// <summary>
/// The built-in <see cref="IPayloadCodec"/>: AES-256-GCM under named keys (<c>BatonOptions.PayloadKeys</c>), the active
/// one encrypting, every one decrypting what it encrypted, so that a rotation is a new active key beside the old ones.
/// The tag is the key's name, which is also authenticated with the payload.
/// </summary>
public sealed class AesGcmPayloadCodec : IPayloadCodec
{
    private const int NonceBytes = 12;
    private const int TagBytes = 16;

    private readonly Dictionary<string, byte[]> _keys;
    private readonly string? _active;

    /// <param name="keys">The keys by name, each 32 bytes.</param>
    /// <param name="active">The key that encrypts new payloads; null to encrypt nothing (and still decrypt).</param>
    public AesGcmPayloadCodec(IReadOnlyDictionary<string, byte[]> keys, string? active)
    {
        ArgumentNullException.ThrowIfNull(keys);
        _keys = keys.ToDictionary(k => k.Key, k => k.Value.Length == 32 ? k.Value : throw new ArgumentException($"Key '{k.Key}' is not 32 bytes.", nameof(keys)), StringComparer.Ordinal);
        _active = active is null || _keys.ContainsKey(active) ? active : throw new ArgumentException($"The active key '{active}' is not among the keys.", nameof(active));
    }

    /// <summary>The codec <see cref="BatonOptions.PayloadKeys"/> describes; null when it names no key.</summary>
    public static AesGcmPayloadCodec? From(BatonOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.PayloadKeys.Count == 0 ? null
            : new AesGcmPayloadCodec(options.PayloadKeys.ToDictionary(k => k.Key, k => Convert.FromBase64String(k.Value)), options.ActivePayloadKey);
    }

    /// <inheritdoc />
    public byte[]? Encode(ReadOnlySpan<byte> payload, out string tag)
    {
        tag = _active ?? "";
        if (_active is null)
        {
            return null;
        }

        var sealedBytes = new byte[NonceBytes + TagBytes + payload.Length];
        var nonce = sealedBytes.AsSpan(0, NonceBytes);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(_keys[_active], TagBytes);
        aes.Encrypt(nonce, payload, sealedBytes.AsSpan(NonceBytes + TagBytes), sealedBytes.AsSpan(NonceBytes, TagBytes), Encoding.UTF8.GetBytes(_active));
        return sealedBytes;
    }

    /// <inheritdoc />
    public byte[] Decode(string tag, ReadOnlySpan<byte> encoded)
    {
        if (!_keys.TryGetValue(tag, out var key))
        {
            throw new InvalidOperationException($"A payload in the store is encrypted with key '{tag}', which Baton:PayloadKeys does not hold.");
        }

        var plain = new byte[encoded.Length - NonceBytes - TagBytes];
        try
        {
            using var aes = new AesGcm(key, TagBytes);
            aes.Decrypt(encoded[..NonceBytes], encoded[(NonceBytes + TagBytes)..], encoded.Slice(NonceBytes, TagBytes), plain, Encoding.UTF8.GetBytes(tag));
        }
        catch (AuthenticationTagMismatchException ex)
        {
            throw new InvalidOperationException($"A payload encrypted with key '{tag}' does not decrypt: the key is not the one it was written with, or the row was altered.", ex);
        }

        return plain;
    }
}
