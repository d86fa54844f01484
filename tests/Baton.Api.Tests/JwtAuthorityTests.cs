using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using static Baton.Api.Tests.Http;

namespace Baton.Api.Tests;

public sealed class JwtAuthorityTests : IAsyncLifetime
{
    private OidcIssuer _issuer = null!;
    private AuthorityApiFactory _api = null!;

    public async Task InitializeAsync()
    {
        _issuer = await OidcIssuer.StartAsync();
        _api = new AuthorityApiFactory(_issuer.Address);
    }

    public async Task DisposeAsync()
    {
        await _api.DisposeAsync();
        await _issuer.DisposeAsync();
    }

    [Fact]
    public async Task TokensFromTheAuthority_AreCheckedAgainstItsPublishedKeys_AndCarryTheirRoles()
    {
        Assert.Equal(HttpStatusCode.Accepted, (await Bearer(_issuer.Token("operator")).PostAsync($"{Prefix}/orchestrators/SquareSum/oidc-operator", Json("2"))).StatusCode);
        Assert.Contains((await Bearer(_issuer.Token("reader")).GetAsync($"{Prefix}/instances/oidc-operator")).StatusCode, new[] { HttpStatusCode.OK, HttpStatusCode.Accepted });
        Assert.Equal(HttpStatusCode.Forbidden, (await Bearer(_issuer.Token("reader")).PostAsync($"{Prefix}/orchestrators/SquareSum/oidc-reader", Json("2"))).StatusCode);
    }

    [Fact]
    public async Task TokensNotSignedByTheAuthority_OrForAnotherIssuerOrAudience_Answer401_AndCreateNothing()
    {
        using var stranger = RSA.Create(2048);
        var refused = new[]
        {
            _issuer.Token("operator", signer: stranger),
            _issuer.Token("operator", issuer: "http://127.0.0.1:1"),
            _issuer.Token("operator", audience: "someone-else"),
        };

        for (var i = 0; i < refused.Length; i++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await Bearer(refused[i]).PostAsync($"{Prefix}/orchestrators/SquareSum/oidc-refused-{i}", Json("2"))).StatusCode);
        }

        var reader = Bearer(_issuer.Token("reader"));
        for (var i = 0; i < refused.Length; i++)
        {
            Assert.Equal(HttpStatusCode.NotFound, (await reader.GetAsync($"{Prefix}/instances/oidc-refused-{i}")).StatusCode);
        }
    }

    private HttpClient Bearer(string token)
    {
        var http = _api.CreateClient();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return http;
    }
}
