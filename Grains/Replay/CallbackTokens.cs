using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace Baton.Grains.Replay;

/// <summary>
/// Issues and verifies callback tokens: the instance id, step and a unique id, signed with HMAC-SHA256
/// under the cluster's secret, so that a token cannot be guessed, forged or pointed at another callback.
/// </summary>
public sealed class CallbackTokens
{
    private readonly byte[] _secret;

    /// <summary>Creates the signer with the cluster's secret (at least 32 bytes).</summary>
    /// <param name="secret">The secret every silo of the cluster shares.</param>
    public CallbackTokens(byte[] secret)
    {
        ArgumentNullException.ThrowIfNull(secret);
        if (secret.Length < 32)
        {
            throw new ArgumentException("The callback secret must be at least 32 bytes.", nameof(secret));
        }

        _secret = secret;
    }

    /// <summary>Issues the token of one callback.</summary>
    /// <param name="instanceId">The instance.</param>
    /// <param name="stepId">The callback's step.</param>
    /// <param name="tokenId">The callback's unique id.</param>
    /// <returns>The token: payload and signature, both base64url.</returns>
    public string Issue(string instanceId, int stepId, string tokenId)
    {
        var payload = Encoding.UTF8.GetBytes($"{tokenId}|{stepId}|{instanceId}");
        return $"{Base64Url.EncodeToString(payload)}.{Base64Url.EncodeToString(HMACSHA256.HashData(_secret, payload))}";
    }

    /// <summary>Verifies a token and returns what it names.</summary>
    /// <param name="token">The token.</param>
    /// <returns>The instance, step and unique id.</returns>
    /// <exception cref="InvalidCallbackTokenException">The token is malformed or its signature does not verify.</exception>
    public (string InstanceId, int StepId, string TokenId) Verify(string token)
    {
        if (string.IsNullOrEmpty(token) || token.Length > 2048 || token.Split('.') is not [var payloadText, var signatureText])
        {
            throw new InvalidCallbackTokenException("it is not of the form payload.signature");
        }

        byte[] payload;
        byte[] signature;
        try
        {
            payload = Base64Url.DecodeFromChars(payloadText);
            signature = Base64Url.DecodeFromChars(signatureText);
        }
        catch (FormatException)
        {
            throw new InvalidCallbackTokenException("it is not base64url");
        }

        if (!CryptographicOperations.FixedTimeEquals(signature, HMACSHA256.HashData(_secret, payload)))
        {
            throw new InvalidCallbackTokenException("its signature does not verify; it was not issued by this cluster or it was altered");
        }

        var parts = Encoding.UTF8.GetString(payload).Split('|', 3);
        return (parts[2], int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture), parts[0]);
    }
}
