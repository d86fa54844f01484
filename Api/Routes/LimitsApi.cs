using Baton.Api.Access;
using Baton.Api.Http;
using Baton.Api.OpenApi;
using Baton.Grains;
using Baton.Grains.Registry;

namespace Baton.Api.Routes;

/// <summary>
/// <c>GET /api/limits</c>: the activity and queue limits of the request's namespace (<c>taskHub</c>), each with the
/// executions it holds now and the requests waiting for it, read from its limiter grain.
/// </summary>
internal static class LimitsApi
{
    public static void MapLimits(this IEndpointRouteBuilder app) =>
        app.MapGet("/api/limits", ReadAsync).RequireAuthorization(AccessPolicies.Read).WithTags("Limits")
            .WithSummary("The namespace's cluster-wide activity and queue limits, with the executions each holds now and the requests waiting for it.")
            .WithProblems(StatusCodes.Status401Unauthorized, StatusCodes.Status403Forbidden, StatusCodes.Status404NotFound);

    private static async Task<LimitFigures[]> ReadAsync(RequestNamespace space, IServiceProvider services)
    {
        space.Check();
        if (services.GetService<NamespaceCatalog>() is not { } namespaces)
        {
            return [];
        }

        var grains = services.GetRequiredService<IGrainFactory>();
        var limits = namespaces.Limits(space.Name).OrderBy(l => l.Kind).ThenBy(l => l.Name, StringComparer.OrdinalIgnoreCase).ToList();
        var usage = await Task.WhenAll(limits.Select(l => grains.GetGrain<IActivityLimiterGrain>(l.Key).GetUsageAsync()));
        return limits.Select((l, i) => new LimitFigures(
            l.Kind == NamespaceCatalog.ActivityLimitKind.Activity ? "activity" : "queue", l.Name, l.Limit.MaxConcurrent, l.Limit.PerSecond, usage[i].Running, usage[i].Waiting)).ToArray();
    }

    /// <summary>One limit and what it holds now.</summary>
    /// <param name="Kind"><c>activity</c> or <c>queue</c>.</param>
    /// <param name="Name">The activity or queue it limits.</param>
    /// <param name="MaxConcurrent">The most executions at once across the cluster, if limited.</param>
    /// <param name="PerSecond">The most starts a second across the cluster, if limited.</param>
    /// <param name="Running">Executions holding a permit now.</param>
    /// <param name="Waiting">Executions waiting for one.</param>
    internal sealed record LimitFigures(string Kind, string Name, int? MaxConcurrent, double? PerSecond, int Running, int Waiting);
}
