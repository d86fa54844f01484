using System.Security.Claims;
using System.Text.Encodings.Web;
using Baton.Api.Hosting;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Baton.Api.Access;

/// <summary>
/// Authenticates a request by API key (header <c>X-Api-Key</c>) or JWT (<c>Authorization: Bearer</c>), giving the caller the
/// role its credential grants. Requests without credentials stay anonymous; the route's policy then answers 401.
/// </summary>
internal sealed class BatonAccessHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> schemeOptions,
    ILoggerFactory logger,
    UrlEncoder encoder,
    IOptions<ApiOptions> apiOptions,
    TimeProvider time)
    : AuthenticationHandler<AuthenticationSchemeOptions>(schemeOptions, logger, encoder)
{
    /// <summary>The authentication scheme's name.</summary>
    public const string SchemeName = "Baton";

    /// <summary>The header that carries an API key.</summary>
    public const string ApiKeyHeader = "X-Api-Key";

    private readonly AccessOptions _access = apiOptions.Value.Access;

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!_access.Enabled)
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        if (Request.Headers.TryGetValue(ApiKeyHeader, out var keyValues) && keyValues.ToString() is { Length: > 0 } key)
        {
            var hash = ApiKeyHash.Compute(key);
            var match = _access.ApiKeys.FirstOrDefault(k => ApiKeyHash.Matches(hash, k.Hash));
            if (match is null)
            {
                return Task.FromResult(AuthenticateResult.Fail("The API key is not one this node knows."));
            }

            var identity = new ClaimsIdentity([new Claim(ClaimTypes.Name, match.Name), new Claim(ClaimTypes.Role, match.Role.ToString())], SchemeName);
            return Task.FromResult(Success(identity));
        }

        var authorization = Request.Headers.Authorization.ToString();
        if (authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            if (_access.Jwt is not { } jwt)
            {
                return Task.FromResult(AuthenticateResult.Fail("This node does not accept bearer tokens."));
            }

            var (identity, error) = new JwtValidator(jwt, time).Validate(authorization["Bearer ".Length..].Trim());
            return Task.FromResult(identity is null ? AuthenticateResult.Fail($"The bearer token is refused: {error}.") : Success(identity));
        }

        return Task.FromResult(AuthenticateResult.NoResult());
    }

    private AuthenticateResult Success(ClaimsIdentity identity) =>
        AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
}
