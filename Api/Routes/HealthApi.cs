using Baton.Grains.Runtime;
using Orleans.Runtime;

namespace Baton.Api.Routes;

/// <summary>GET /health: 200 once the co-hosted silo is active in the cluster (with its address), 503 before. Open to anyone, for load balancers.</summary>
internal static class HealthApi
{
    public static void MapHealth(this IEndpointRouteBuilder app) =>
        app.MapGet("/health", (ISiloStatusOracle oracle, SiloIdentity silo) => oracle.CurrentStatus == SiloStatus.Active
            ? Results.Ok(new { status = "healthy", silo = silo.Name })
            : Results.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "The silo is not active."))
        .AllowAnonymous();
}
