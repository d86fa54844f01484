using Baton.Api.Http;
using System.Reflection;
using Baton.Api.Access;
using Baton.Api.OpenApi;
using Baton.Grains.Registry;
using Microsoft.Extensions.Options;

namespace Baton.Api.Dashboard;

/// <summary>
/// Baton's workflow dashboard: the page and its script at <c>/dashboard</c> (with <c>/</c> sent there), served from the
/// assembly so that every host has it without a build step; they hold no data, so they are open. What they show comes
/// from the API's own routes and from three of the dashboard's, under the same access control as every reading route.
/// </summary>
internal static class DashboardApi
{
    private static readonly Dictionary<string, string> ContentTypes = new(StringComparer.Ordinal)
    {
        ["index.html"] = "text/html; charset=utf-8",
        ["dashboard.css"] = "text/css; charset=utf-8",
        ["dashboard.js"] = "text/javascript; charset=utf-8",
    };

    public static void MapDashboard(this IEndpointRouteBuilder app)
    {
        // Listening from the start, so that the charts show what happened before anyone opened the page.
        app.ServiceProvider.GetRequiredService<DashboardMetrics>();
        app.MapGet("/", () => Results.Redirect("/dashboard/")).AllowAnonymous().ExcludeFromDescription();
        app.MapGet("/dashboard/{file?}", (string? file) => Asset(file ?? "index.html")).AllowAnonymous().ExcludeFromDescription();

        var data = app.MapGroup("/api/dashboard").RequireAuthorization(AccessPolicies.Read).WithTags("Dashboard")
            .WithProblems(StatusCodes.Status401Unauthorized, StatusCodes.Status403Forbidden);
        data.MapGet("/overview", OverviewAsync)
            .WithSummary("Instances by status, the last minutes' throughput and latency per second, the oldest live instances and what they wait on, and the silos.");
        data.MapGet("/workflows", (WorkflowStatistics statistics, RequestNamespace space, CancellationToken ct) => statistics.ReadAsync(space.Name, space.WorkflowClient, ct))
            .WithSummary("Each registered workflow version's counts, completion rate, p50/p95 duration, working-versus-waiting share and retries.");
        data.MapGet("/namespaces", (HttpContext context, IOptions<Hosting.ApiOptions> options) =>
                (context.RequestServices.GetService<NamespaceCatalog>()?.Names ?? [WorkflowNamespaces.Default])
                    .Where(n => !options.Value.Access.Enabled || NamespaceClaims.Allow(context.User, n)))
            .WithSummary("The namespaces (task hubs) this node serves that the caller may use, the default one first; pass one as taskHub to any route.");
        data.MapGet("/instances/{instanceId}/timeline", TimelineAsync)
            .WithSummary("The instance's timeline: a span per activity attempt, retry back-off, timer, event wait, callback and child workflow; time working versus waiting; what it waits on now.")
            .WithProblems(StatusCodes.Status404NotFound);
    }

    private static IResult Asset(string file)
    {
        if (!ContentTypes.TryGetValue(file, out var contentType))
        {
            return Results.NotFound();
        }

        var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream($"Baton.Api.Dashboard.Assets.{file}")!;
        return Results.Stream(stream, contentType);
    }

    private static async Task<Overview> OverviewAsync(
        int? seconds, [FromKeyedServices(RequestNamespace.Client)] IWorkflowClient client, DashboardMetrics metrics, ClusterView cluster, TimeProvider time, CancellationToken cancellationToken)
    {
        var counts = await client.CountByStatusAsync(new WorkflowQuery(), cancellationToken);
        var oldest = await client.ListAsync(new WorkflowQuery
        {
            Statuses = [WorkflowRuntimeStatus.Running, WorkflowRuntimeStatus.Suspended],
            OldestFirst = true,
            PageSize = 5,
        }, cancellationToken);
        var now = time.GetUtcNow().UtcDateTime;
        var waiting = new List<WaitingInstance>();
        foreach (var instance in oldest.Items)
        {
            var status = await client.GetStatusAsync(instance.InstanceId, includeHistory: true, cancellationToken);
            if (status?.History is { } history)
            {
                waiting.Add(new WaitingInstance(status.InstanceId, status.Name, status.RuntimeStatus, status.CreatedAt,
                    InstanceTimeline.Build(status, history, now).WaitingOn));
            }
        }

        return new Overview(
            Enum.GetValues<WorkflowRuntimeStatus>().ToDictionary(s => s.ToString(), s => counts.TryGetValue(s, out var n) ? n : 0),
            metrics.Last(seconds ?? 300),
            waiting,
            await cluster.ReadAsync());
    }

    private static async Task<IResult> TimelineAsync(string instanceId, [FromKeyedServices(RequestNamespace.Client)] IWorkflowClient client, TimeProvider time, CancellationToken cancellationToken)
    {
        var status = await client.GetStatusAsync(instanceId, includeHistory: true, cancellationToken);
        return status?.History is { } history
            ? Results.Ok(InstanceTimeline.Build(status, history, time.GetUtcNow().UtcDateTime))
            : throw new InstanceNotFoundException(instanceId);
    }
}

/// <summary>The overview page's data.</summary>
internal sealed record Overview(
    IReadOnlyDictionary<string, long> ByStatus, IReadOnlyList<SecondFigures> Throughput, IReadOnlyList<WaitingInstance> OldestWaiting, IReadOnlyList<SiloFigures> Silos);

/// <summary>A live instance and what it waits on.</summary>
internal sealed record WaitingInstance(string InstanceId, string Name, WorkflowRuntimeStatus RuntimeStatus, DateTime CreatedAt, IReadOnlyList<string> WaitingOn);
