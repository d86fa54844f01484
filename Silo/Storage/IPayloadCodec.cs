namespace Baton.Silo.Storage;

/// <summary>
/// Encodes payloads (inputs, outputs, activity inputs and results, step results, event data) on their way into the store
/// and decodes them on their way out: encryption at rest, or any other reversible transform. Register one in the silo's
/// services (<c>services.AddSingleton&lt;IPayloadCodec&gt;(...)</c>) to replace the built-in AES-GCM codec that
/// <c>BatonOptions.PayloadKeys</c> configures. Baton stores each encoded payload as <c>{"$enc":"v1.{tag}.{base64}"}</c>,
/// with the tag <see cref="Encode"/> gave, and hands that tag back to <see cref="Decode"/>; a payload stored before a codec
/// was configured is read as it is.
/// </summary>
public interface IPayloadCodec
{
    /// <summary>Encodes a payload (UTF-8 JSON).</summary>
    /// <param name="payload">The payload.</param>
    /// <param name="tag">What <see cref="Decode"/> needs to know to decode it (a key's name, say): 1 to 64 letters, digits, - or _.</param>
    /// <returns>The bytes to store; null to store the payload as it is.</returns>
    byte[]? Encode(ReadOnlySpan<byte> payload, out string tag);

    /// <summary>Decodes what <see cref="Encode"/> made.</summary>
    /// <param name="tag">The tag it was encoded with.</param>
    /// <param name="encoded">The stored bytes.</param>
    /// <returns>The payload (UTF-8 JSON).</returns>
    /// <exception cref="InvalidOperationException">It cannot be decoded (an unknown tag, a wrong key, altered bytes); the message says which.</exception>
    byte[] Decode(string tag, ReadOnlySpan<byte> encoded);
}
