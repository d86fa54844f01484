using Baton.Api.Hosting;
using Microsoft.AspNetCore.Authorization;

namespace Baton.Api.Access;

/// <summary>The two authorisation policies every route uses: reading and operating. With access control off, both allow anyone.</summary>
internal static class AccessPolicies
{
    /// <summary>Status, listing, counts and events: a reader or an operator.</summary>
    public const string Read = "baton:read";

    /// <summary>Starting and controlling instances: an operator.</summary>
    public const string Operate = "baton:operate";

    public static void Add(AuthorizationOptions authorization, AccessOptions access)
    {
        if (!access.Enabled)
        {
            authorization.AddPolicy(Read, policy => policy.RequireAssertion(_ => true));
            authorization.AddPolicy(Operate, policy => policy.RequireAssertion(_ => true));
            return;
        }

        authorization.AddPolicy(Read, policy => policy.RequireRole(nameof(BatonRole.Reader), nameof(BatonRole.Operator)));
        authorization.AddPolicy(Operate, policy => policy.RequireRole(nameof(BatonRole.Operator)));
    }
}
