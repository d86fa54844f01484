using System.Buffers.Text;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Baton.Api.Tests;

/// <summary>
/// A token issuer on loopback with an OpenID Connect discovery document and a JWKS of one RSA key, as an identity
/// provider publishes them; it signs RS256 tokens for the tests.
/// </summary>
public sealed class OidcIssuer : IAsyncDisposable
{
    private const string KeyId = "test-key-1";
    private readonly RSA _key = RSA.Create(2048);
    private readonly WebApplication _app;

    private OidcIssuer(WebApplication app, string address)
    {
        _app = app;
        Address = address;
    }

    /// <summary>The issuer's URL: the authority, and the <c>iss</c> of its tokens.</summary>
    public string Address { get; }

    public static async Task<OidcIssuer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        OidcIssuer? issuer = null;
        app.MapGet("/.well-known/openid-configuration", () => new { issuer = issuer!.Address, jwks_uri = issuer.Address + "/jwks" });
        app.MapGet("/jwks", () => issuer!.Jwks());
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        issuer = new OidcIssuer(app, address);
        return issuer;
    }

    /// <summary>A token signed with this issuer's key (or another <paramref name="signer"/>), with the given issuer, audience and role.</summary>
    public string Token(string role, string audience = "baton", string? issuer = null, RSA? signer = null)
    {
        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = issuer ?? Address,
            Audience = audience,
            Expires = DateTime.UtcNow.AddMinutes(5),
            Claims = new Dictionary<string, object> { ["sub"] = "ci", ["role"] = role },
            SigningCredentials = new SigningCredentials(new RsaSecurityKey(signer ?? _key) { KeyId = KeyId }, SecurityAlgorithms.RsaSha256),
        };
        return new JsonWebTokenHandler().CreateToken(descriptor);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.DisposeAsync();
        _key.Dispose();
    }

    private object Jwks()
    {
        var parameters = _key.ExportParameters(includePrivateParameters: false);
        return new
        {
            keys = new[]
            {
                new { kty = "RSA", use = "sig", alg = "RS256", kid = KeyId, n = Base64Url.EncodeToString(parameters.Modulus), e = Base64Url.EncodeToString(parameters.Exponent) },
            },
        };
    }
}

/// <summary>The API with access control by bearer tokens from an OpenID Connect authority.</summary>
public sealed class AuthorityApiFactory(string authority) : BatonApiFactory
{
    protected override IReadOnlyDictionary<string, string> Settings { get; } = new Dictionary<string, string>
    {
        ["Baton:Api:Access:Jwt:Authority"] = authority,
        ["Baton:Api:Access:Jwt:RequireHttpsMetadata"] = "false",
        ["Baton:Api:Access:Jwt:Audience"] = "baton",
    };
}
