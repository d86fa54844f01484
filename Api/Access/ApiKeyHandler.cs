using System.Security.Claims;
using System.Text.Encodings.Web;
using Baton.Api.Hosting;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Baton.Api.Access;

/// <summary>
/// Authenticates a request by API key (header <c>X-Api-Key</c>), giving the caller the role and the namespaces its key grants. A request
/// without a key stays anonymous; the route's policy then answers 401.
/// </summary>
internal sealed class ApiKeyHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> schemeOptions,
    ILoggerFactory logger,
    UrlEncoder encoder,
    IOptions<ApiOptions> apiOptions)
    : AuthenticationHandler<AuthenticationSchemeOptions>(schemeOptions, logger, encoder)
{
    /// <summary>The authentication scheme's name.</summary>
    public const string SchemeName = "ApiKey";

    /// <summary>The header that carries an API key.</summary>
    public const string Header = "X-Api-Key";

    private readonly AccessOptions _access = apiOptions.Value.Access;

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!_access.Enabled || !Request.Headers.TryGetValue(Header, out var values) || values.ToString() is not { Length: > 0 } key)
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        var hash = ApiKeyHash.Compute(key);
        var match = _access.ApiKeys.FirstOrDefault(k => ApiKeyHash.Matches(hash, k.Hash));
        if (match is null)
        {
            return Task.FromResult(AuthenticateResult.Fail("The API key is not one this node knows."));
        }

        var identity = new ClaimsIdentity(
            [new Claim(ClaimTypes.Name, match.Name), new Claim(ClaimTypes.Role, match.Role.ToString()), .. NamespaceClaims.For(match.Namespaces)], SchemeName);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName)));
    }
}
