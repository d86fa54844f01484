using Baton.Silo.Runtime;

namespace Baton.Api.Routes;

/// <summary>GET /health: 200 once the silo is up with the partitions it holds, 503 before. Open to anyone, for load balancers.</summary>
internal static class HealthApi
{
    public static void MapHealth(this IEndpointRouteBuilder app) =>
        app.MapGet("/health", (SiloRuntime silo) => silo.Ready.IsCompletedSuccessfully
            ? Results.Ok(new { status = "healthy", siloId = silo.SiloId, partitions = silo.HeldPartitions })
            : Results.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "The silo is starting."))
        .AllowAnonymous();
}
