using System.Security.Claims;
using Baton.Api.Hosting;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace Baton.Api.Access;

/// <summary>
/// The API's authentication: one scheme routes each request to the API-key handler or, for <c>Authorization: Bearer</c>
/// when JWT is configured, to ASP.NET Core's JWT bearer handler. Either way the caller ends with Baton's role claims.
/// </summary>
internal static class AccessAuthentication
{
    /// <summary>The default scheme: it only chooses between the other two.</summary>
    public const string SchemeName = "Baton";

    public static void Add(IServiceCollection services)
    {
        services.AddAuthentication(SchemeName)
            .AddPolicyScheme(SchemeName, "API key or bearer token", scheme => scheme.ForwardDefaultSelector = Select)
            .AddScheme<Microsoft.AspNetCore.Authentication.AuthenticationSchemeOptions, ApiKeyHandler>(ApiKeyHandler.SchemeName, null)
            .AddJwtBearer();
        services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme)
            .Configure<IOptions<ApiOptions>>((bearer, api) => Configure(bearer, api.Value.Access.Jwt));

        // Authentication registers ASP.NET Core data protection, whose hosted service makes a key ring on start under
        // ~/.aspnet (outside the data folder) and warns that it is unencrypted. Baton protects nothing with it (API keys are
        // hashes, bearer tokens are validated, callback tokens are signed with the store's own key): no key ring is made on
        // start, and should anything protect data, its keys live in memory only.
        services.AddDataProtection().UseEphemeralDataProtectionProvider();
        foreach (var keyRingOnStart in services.Where(d => d.ServiceType == typeof(IHostedService)
            && d.ImplementationType?.Namespace?.StartsWith("Microsoft.AspNetCore.DataProtection", StringComparison.Ordinal) == true).ToList())
        {
            services.Remove(keyRingOnStart);
        }
    }

    private static string Select(HttpContext context)
    {
        var bearer = context.Request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase);
        var jwt = context.RequestServices.GetRequiredService<IOptions<ApiOptions>>().Value.Access.Jwt;
        return bearer && jwt is not null && !context.Request.Headers.ContainsKey(ApiKeyHandler.Header)
            ? JwtBearerDefaults.AuthenticationScheme
            : ApiKeyHandler.SchemeName;
    }


    private static void Configure(JwtBearerOptions bearer, JwtOptions? jwt)
    {
        if (jwt is null)
        {
            return;
        }

        bearer.MapInboundClaims = false;
        var validation = new TokenValidationParameters
        {
            ValidateIssuer = jwt.Issuer is not null || jwt.Authority is not null,
            ValidIssuer = jwt.Issuer,
            ValidateAudience = jwt.Audience is not null,
            ValidAudience = jwt.Audience,
            ValidateLifetime = true,
            RequireExpirationTime = true,
            RequireSignedTokens = true,
            ClockSkew = jwt.ClockSkew,
            NameClaimType = "sub",
            RoleClaimType = ClaimTypes.Role,
        };
        if (!string.IsNullOrEmpty(jwt.SigningKey))
        {
            validation.IssuerSigningKey = new SymmetricSecurityKey(jwt.SigningKeyBytes);
            validation.ValidAlgorithms = [SecurityAlgorithms.HmacSha256];
        }
        else
        {
            bearer.Authority = jwt.Authority;
            bearer.RequireHttpsMetadata = jwt.RequireHttpsMetadata;
            validation.ValidAlgorithms =
            [
                SecurityAlgorithms.RsaSha256, SecurityAlgorithms.RsaSha384, SecurityAlgorithms.RsaSha512,
                SecurityAlgorithms.EcdsaSha256, SecurityAlgorithms.EcdsaSha384, SecurityAlgorithms.EcdsaSha512,
                SecurityAlgorithms.RsaSsaPssSha256, SecurityAlgorithms.RsaSsaPssSha384, SecurityAlgorithms.RsaSsaPssSha512,
            ];
        }

        bearer.TokenValidationParameters = validation;
        bearer.Events = new JwtBearerEvents
        {
            // The token names roles as the issuer spells them ("operator", or an array); Baton's policies check its own names.
            OnTokenValidated = context =>
            {
                if (context.Principal?.Identity is ClaimsIdentity identity)
                {
                    var roles = identity.FindAll(jwt.RoleClaim).Select(c => c.Value).ToList();
                    foreach (var role in roles)
                    {
                        if (Enum.TryParse<BatonRole>(role, ignoreCase: true, out var parsed))
                        {
                            identity.AddClaim(new Claim(ClaimTypes.Role, parsed.ToString()));
                        }
                    }

                    // The namespaces it opens, as an API key's: none named opens the default one; a name that is no namespace's opens nothing.
                    var namespaces = identity.FindAll(jwt.NamespaceClaim).Select(c => c.Value)
                        .Where(n => n == NamespaceClaims.Any || WorkflowNamespaces.IsValid(n)).ToList();
                    identity.AddClaims(identity.HasClaim(c => c.Type == jwt.NamespaceClaim) && namespaces.Count == 0
                        ? []
                        : NamespaceClaims.For(namespaces));
                }

                return Task.CompletedTask;
            },
        };
    }
}
