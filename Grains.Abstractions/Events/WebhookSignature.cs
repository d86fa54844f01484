using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Baton.Events;

/// <summary>
/// How Baton signs webhook deliveries, for receivers to check: <c>X-Baton-Signature: sha256=&lt;hex&gt;</c> is the
/// HMAC-SHA256, keyed with the webhook's secret, of <c>{X-Baton-Timestamp}.{body}</c>. The timestamp (Unix seconds) is
/// signed too, so that a receiver can refuse old deliveries replayed by someone else.
/// </summary>
public static class WebhookSignature
{
    /// <summary>The header carrying the signature.</summary>
    public const string SignatureHeader = "X-Baton-Signature";

    /// <summary>The header carrying the signing time, in Unix seconds.</summary>
    public const string TimestampHeader = "X-Baton-Timestamp";

    /// <summary>The header carrying the status event's sequence number, the same on every retry of a delivery.</summary>
    public const string EventIdHeader = "X-Baton-Event-Id";

    /// <summary>Computes the signature header's value.</summary>
    /// <param name="secret">The webhook's secret.</param>
    /// <param name="timestamp">The signing time, in Unix seconds.</param>
    /// <param name="body">The delivery's body, exactly as sent.</param>
    /// <returns><c>sha256=</c> and 64 lower-case hex digits.</returns>
    public static string Compute(string secret, long timestamp, string body)
    {
        ArgumentNullException.ThrowIfNull(secret);
        ArgumentNullException.ThrowIfNull(body);
        var signed = Encoding.UTF8.GetBytes(timestamp.ToString(CultureInfo.InvariantCulture) + "." + body);
        return "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), signed));
    }

    /// <summary>Checks a delivery's signature in constant time.</summary>
    /// <param name="secret">The webhook's secret.</param>
    /// <param name="timestamp">The <see cref="TimestampHeader"/> value.</param>
    /// <param name="body">The body as received.</param>
    /// <param name="signature">The <see cref="SignatureHeader"/> value.</param>
    /// <returns>Whether the signature is Baton's for this body and time.</returns>
    public static bool Verify(string secret, string? timestamp, string body, string? signature)
    {
        if (signature is null || !long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
        {
            return false;
        }

        return CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Compute(secret, seconds, body)), Encoding.ASCII.GetBytes(signature));
    }
}
