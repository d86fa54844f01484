using Baton.Grains.Runtime;
using Orleans.Runtime;

namespace Baton.Api.Routes;

/// <summary>
/// GET /health: 200 once the co-hosted silo is active in the cluster (with its address), 503 before; a front end without a
/// silo answers 200 once its client has connected to the cluster (the host starts serving only then). Open to anyone, for
/// load balancers.
/// </summary>
internal static class HealthApi
{
    public static void MapHealth(this IEndpointRouteBuilder app) =>
        app.MapGet("/health", (IServiceProvider services) =>
            services.GetService<ISiloStatusOracle>() is not { } oracle
                ? Results.Ok(new { status = "healthy", role = "front end" })
                : oracle.CurrentStatus == SiloStatus.Active
                    ? Results.Ok(new { status = "healthy", silo = services.GetRequiredService<SiloIdentity>().Name })
                    : Results.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "The silo is not active."))
        .AllowAnonymous();
}
