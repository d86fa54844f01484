using System.Buffers.Text;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Baton.Api.Hosting;

namespace Baton.Api.Access;

/// <summary>
/// Validates HS256 JSON Web Tokens: signature, <c>exp</c>/<c>nbf</c> with clock skew, issuer and audience. Written here because
/// the JWT bearer package cannot be restored on this project's build machines; it is deliberately small and accepts HS256 only
/// (any other <c>alg</c>, including <c>none</c>, is refused).
/// </summary>
internal sealed class JwtValidator(JwtOptions options, TimeProvider time)
{
    private readonly byte[] _key = options.SigningKeyBytes;

    /// <summary>Validates a token and returns its claims, or the reason it is refused.</summary>
    public (ClaimsIdentity? Identity, string? Error) Validate(string token)
    {
        var parts = token.Split('.');
        if (parts.Length != 3)
        {
            return (null, "the token is not a JWS compact serialisation");
        }

        JsonElement header, payload;
        byte[] signature;
        try
        {
            header = JsonSerializer.Deserialize<JsonElement>(Base64Url.DecodeFromChars(parts[0]));
            payload = JsonSerializer.Deserialize<JsonElement>(Base64Url.DecodeFromChars(parts[1]));
            signature = Base64Url.DecodeFromChars(parts[2]);
        }
        catch (Exception ex) when (ex is FormatException or JsonException)
        {
            return (null, "the token is not valid base64url JSON");
        }

        if (header.ValueKind != JsonValueKind.Object || !header.TryGetProperty("alg", out var alg) || alg.GetString() != "HS256")
        {
            return (null, "the token's alg is not HS256");
        }

        var expected = HMACSHA256.HashData(_key, Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]));
        if (!CryptographicOperations.FixedTimeEquals(expected, signature))
        {
            return (null, "the signature does not verify");
        }

        if (payload.ValueKind != JsonValueKind.Object)
        {
            return (null, "the payload is not a JSON object");
        }

        var now = time.GetUtcNow();
        if (!payload.TryGetProperty("exp", out var exp) || !exp.TryGetInt64(out var expires) || DateTimeOffset.FromUnixTimeSeconds(expires) + options.ClockSkew < now)
        {
            return (null, "the token has expired or has no exp");
        }

        if (payload.TryGetProperty("nbf", out var nbf) && nbf.TryGetInt64(out var notBefore) && DateTimeOffset.FromUnixTimeSeconds(notBefore) - options.ClockSkew > now)
        {
            return (null, "the token is not valid yet");
        }

        if (options.Issuer is { } issuer && !(payload.TryGetProperty("iss", out var iss) && iss.GetString() == issuer))
        {
            return (null, "the issuer does not match");
        }

        if (options.Audience is { } audience && !HasAudience(payload, audience))
        {
            return (null, "the audience does not match");
        }

        var identity = new ClaimsIdentity(BatonAccessHandler.SchemeName, ClaimTypes.Name, ClaimTypes.Role);
        if (payload.TryGetProperty("sub", out var sub) && sub.ValueKind == JsonValueKind.String)
        {
            identity.AddClaim(new Claim(ClaimTypes.Name, sub.GetString()!));
        }

        if (payload.TryGetProperty(options.RoleClaim, out var roles))
        {
            foreach (var role in roles.ValueKind == JsonValueKind.Array ? roles.EnumerateArray() : Enumerable.Repeat(roles, 1))
            {
                if (role.ValueKind == JsonValueKind.String && Enum.TryParse<BatonRole>(role.GetString(), ignoreCase: true, out var parsed))
                {
                    identity.AddClaim(new Claim(ClaimTypes.Role, parsed.ToString()));
                }
            }
        }

        return (identity, null);
    }

    private static bool HasAudience(JsonElement payload, string audience) =>
        payload.TryGetProperty("aud", out var aud) && (aud.ValueKind == JsonValueKind.Array
            ? aud.EnumerateArray().Any(a => a.GetString() == audience)
            : aud.GetString() == audience);
}
