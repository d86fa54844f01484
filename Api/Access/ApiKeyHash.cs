using System.Security.Cryptography;
using System.Text;

namespace Baton.Api.Access;

/// <summary>How API keys are stored: <c>sha256:</c> and the key's SHA-256 in hex. Keys are long random strings, so an unsalted hash suffices.</summary>
public static class ApiKeyHash
{
    private const string Prefix = "sha256:";

    /// <summary>Hashes a key for configuration.</summary>
    /// <param name="key">The key.</param>
    /// <returns><c>sha256:</c> and 64 lower-case hex digits.</returns>
    public static string Compute(string key) => Prefix + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    /// <summary>Makes a new random key (32 bytes, base64url).</summary>
    /// <returns>The key.</returns>
    public static string NewKey() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    internal static bool IsWellFormed(string? hash) =>
        hash is { Length: 71 } && hash.StartsWith(Prefix, StringComparison.Ordinal) && hash[Prefix.Length..].All(char.IsAsciiHexDigit);

    /// <summary>Compares a presented key's hash (from <see cref="Compute"/>) with a configured one, in constant time.</summary>
    internal static bool Matches(string presentedHash, string configuredHash) =>
        CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(presentedHash), Encoding.ASCII.GetBytes(configuredHash.ToLowerInvariant()));
}
