using Baton.Api.Access;

namespace Baton.Api.Hosting;

/// <summary>The HTTP front end's options, bound from the <c>Baton:Api</c> configuration section.</summary>
public sealed class ApiOptions
{
    /// <summary>The configuration section the options bind from.</summary>
    public const string Section = "Baton:Api";

    /// <summary>The largest request body accepted; a larger one is answered 413. Default: 16 MiB.</summary>
    public long MaxRequestBodyBytes { get; set; } = 16 * 1024 * 1024;

    /// <summary>The longest a status read with <c>waitSeconds</c> holds the request open. Default: 60 seconds.</summary>
    public TimeSpan MaxLongPoll { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// The task hub named in the management URIs the API hands out (<c>taskHub=…</c>, as Durable Functions names them).
    /// Default: <c>Baton</c>.
    /// </summary>
    public string TaskHub { get; set; } = "Baton";

    /// <summary>Who may call the API. Default: nobody is checked (allowed only when the node binds to loopback).</summary>
    public AccessOptions Access { get; set; } = new();

    /// <summary>URLs that receive every status change, signed and retried until delivered. Default: none.</summary>
    public List<WebhookOptions> Webhooks { get; set; } = [];

    internal void Validate()
    {
        Require(MaxRequestBodyBytes is >= 1024 and <= 1L << 30, nameof(MaxRequestBodyBytes), "must be between 1 KiB and 1 GiB");
        Require(MaxLongPoll > TimeSpan.Zero, nameof(MaxLongPoll), "must be positive");
        Require(TaskHub is { Length: > 0 and <= 50 } && TaskHub.All(char.IsAsciiLetterOrDigit), nameof(TaskHub), "must be 1 to 50 ASCII letters or digits");
        for (var i = 0; i < Access.ApiKeys.Count; i++)
        {
            var key = Access.ApiKeys[i];
            Require(ApiKeyHash.IsWellFormed(key.Hash), $"Access.ApiKeys[{i}].Hash", "must be 'sha256:' followed by 64 hex digits (make one with: dotnet run --project Api -- hash-key <key>)");
            Require(key.Namespaces.All(n => n == NamespaceClaims.Any || WorkflowNamespaces.IsValid(n)), $"Access.ApiKeys[{i}].Namespaces", $"must list namespace names ({WorkflowNamespaces.Rule}) or '*'");
        }

        if (Access.Jwt is { } jwt)
        {
            Require(string.IsNullOrEmpty(jwt.SigningKey) != string.IsNullOrEmpty(jwt.Authority), "Access.Jwt", "needs either a SigningKey (HS256) or an Authority (OpenID Connect discovery), not both");
            Require(string.IsNullOrEmpty(jwt.SigningKey) || jwt.SigningKeyBytes.Length >= 32, "Access.Jwt.SigningKey", "must be at least 32 bytes (256 bits) for HS256");
            Require(string.IsNullOrEmpty(jwt.Authority) || Uri.TryCreate(jwt.Authority, UriKind.Absolute, out _), "Access.Jwt.Authority", "must be an absolute URL");
            Require(!string.IsNullOrWhiteSpace(jwt.RoleClaim), "Access.Jwt.RoleClaim", "must name a claim");
            Require(!string.IsNullOrWhiteSpace(jwt.NamespaceClaim), "Access.Jwt.NamespaceClaim", "must name a claim");
        }

        for (var i = 0; i < Webhooks.Count; i++)
        {
            var hook = Webhooks[i];
            Require(Uri.TryCreate(hook.Url, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps),
                $"Webhooks[{i}].Url", "must be an absolute http or https URL");
            Require(!string.IsNullOrEmpty(hook.Secret) && hook.Secret.Length >= 16, $"Webhooks[{i}].Secret", "must be at least 16 characters");
            Require(hook.Namespaces.All(WorkflowNamespaces.IsValid), $"Webhooks[{i}].Namespaces", $"must list namespace names ({WorkflowNamespaces.Rule})");
        }
    }


    /// <summary>Checks <see cref="TaskHub"/> against the declared namespaces: over HTTP it names the default one, so it cannot name another.</summary>
    internal void ValidateNamespaces(IEnumerable<string> declared) =>
        Require(!declared.Any(n => string.Equals(n, TaskHub, StringComparison.OrdinalIgnoreCase)), nameof(TaskHub),
            "must differ from every namespace's name (Baton:Namespaces): in a request's taskHub it names the default namespace");

    private static void Require(bool condition, string option, string rule)
    {
        if (!condition)
        {
            throw new InvalidOperationException($"Baton:Api:{option} {rule}.");
        }
    }
}

/// <summary>Access control: API keys, JWT bearer tokens, or both. Off when neither is configured.</summary>
public sealed class AccessOptions
{
    /// <summary>API keys, stored as hashes. Default: none.</summary>
    public List<ApiKeyOptions> ApiKeys { get; set; } = [];

    /// <summary>JWT bearer validation. Default: none.</summary>
    public JwtOptions? Jwt { get; set; }

    /// <summary>Whether any credential is configured, so that requests are checked.</summary>
    public bool Enabled => ApiKeys.Count > 0 || Jwt is not null;
}

/// <summary>One API key: its hash and the role it grants.</summary>
public sealed class ApiKeyOptions
{
    /// <summary>A name for logs and for the caller's identity.</summary>
    public string Name { get; set; } = "key";

    /// <summary>The key's SHA-256 as <c>sha256:&lt;64 hex digits&gt;</c>; the key itself is never stored.</summary>
    public string Hash { get; set; } = "";

    /// <summary>What the key may do. Default: <see cref="BatonRole.Reader"/>.</summary>
    public BatonRole Role { get; set; } = BatonRole.Reader;

    /// <summary>The namespaces the key opens (<c>*</c> for all of them). Default: none listed, which opens the default namespace only.</summary>
    public List<string> Namespaces { get; set; } = [];
}

/// <summary>
/// JWT bearer validation (Microsoft.AspNetCore.Authentication.JwtBearer): with a shared <see cref="SigningKey"/> (HS256), or
/// with an <see cref="Authority"/> whose OpenID Connect discovery document names its signing keys (RS256, ES256, ...).
/// </summary>
public sealed class JwtOptions
{
    /// <summary>The HMAC-SHA256 signing key: base64 when prefixed <c>base64:</c>, otherwise UTF-8 text; at least 32 bytes. Or null with an <see cref="Authority"/>.</summary>
    public string? SigningKey { get; set; }

    /// <summary>The token issuer's URL; its <c>/.well-known/openid-configuration</c> gives the issuer and the signing keys (JWKS).</summary>
    public string? Authority { get; set; }

    /// <summary>Whether the authority's discovery document must be fetched over HTTPS. Default: true.</summary>
    public bool RequireHttpsMetadata { get; set; } = true;

    /// <summary>The required <c>iss</c>; null to accept any (with an authority: the one its discovery document names).</summary>
    public string? Issuer { get; set; }

    /// <summary>The required <c>aud</c>, or null to accept any.</summary>
    public string? Audience { get; set; }

    /// <summary>The claim holding the role (<c>reader</c> or <c>operator</c>, a string or an array). Default: <c>role</c>.</summary>
    public string RoleClaim { get; set; } = "role";

    /// <summary>
    /// The claim holding the namespaces the token opens (a string or an array; <c>*</c> for all). A token without it opens
    /// the default namespace only. Default: <c>namespace</c>.
    /// </summary>
    public string NamespaceClaim { get; set; } = "namespace";

    /// <summary>Tolerance for clock differences on <c>exp</c> and <c>nbf</c>. Default: 1 minute.</summary>
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromMinutes(1);

    internal byte[] SigningKeyBytes => SigningKey is null ? []
        : SigningKey.StartsWith("base64:", StringComparison.Ordinal)
            ? Convert.FromBase64String(SigningKey["base64:".Length..])
            : System.Text.Encoding.UTF8.GetBytes(SigningKey);
}

/// <summary>One webhook subscriber.</summary>
public sealed class WebhookOptions
{
    /// <summary>The URL that receives a POST per status change.</summary>
    public string Url { get; set; } = "";

    /// <summary>The HMAC-SHA256 key that signs each delivery (header <c>X-Baton-Signature</c>); at least 16 characters.</summary>
    public string Secret { get; set; } = "";

    /// <summary>The namespaces whose changes it receives. Default: none listed, which means every namespace's.</summary>
    public List<string> Namespaces { get; set; } = [];

    /// <summary>Whether it receives the changes of the namespace (canonical name).</summary>
    internal bool Receives(string namespaceName) =>
        Namespaces.Count == 0 || Namespaces.Exists(n => WorkflowNamespaces.Normalize(n) == namespaceName);
}

/// <summary>What a caller may do.</summary>
public enum BatonRole
{
    /// <summary>Read status, list, count and subscribe to events.</summary>
    Reader,

    /// <summary>Everything a reader may, plus start, raise events and control instances.</summary>
    Operator,
}
