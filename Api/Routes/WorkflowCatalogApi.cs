using System.Text.Json.Nodes;
using System.Text.Json.Schema;
using Baton.Api.Access;
using Baton.Api.Http;
using Baton.Api.OpenApi;
using Baton.Grains.Registry;
using Baton.Serialization;

namespace Baton.Api.Routes;

/// <summary>
/// <c>GET /api/workflows</c>: the workflows this node runs in the request's namespace (<c>taskHub</c>), each with its registered versions and the JSON schemas of the
/// newest version's input and output, so that a caller can discover what to start and with what.
/// </summary>
internal static class WorkflowCatalogApi
{
    public static void MapWorkflowCatalog(this IEndpointRouteBuilder app)
    {
        var registry = app.ServiceProvider.GetRequiredService<WorkflowRegistry>();

        // The registry is fixed once the host runs: the catalog is made once.
        // Baton's own workflows (schedules) and the entities are started through their own routes, not by name.
        var catalog = registry.StartableWorkflows
            .GroupBy(w => w.Name)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g =>
            {
                var newest = g.MaxBy(w => w.Version)!;
                return new WorkflowDescription(
                    g.Key,
                    g.Select(w => w.Version).Order().ToArray(),
                    Schema(newest.InputType),
                    Schema(newest.OutputType),
                    "/api/workflows/" + Uri.EscapeDataString(g.Key));
            })
            .ToArray();

        var namespaces = app.ServiceProvider.GetService<NamespaceCatalog>();
        app.MapGet("/api/workflows", (RequestNamespace space) =>
            {
                space.Check();
                return TypedResults.Ok(namespaces is null ? catalog : catalog.Where(w => namespaces.Runs(space.Name, w.Name)).ToArray());
            })
            .RequireAuthorization(AccessPolicies.Read)
            .WithTags("Workflows")
            .WithName("ListWorkflows")
            .WithSummary("Lists the registered workflows, their versions, and the JSON schemas of their input and output.")
            .WithProblems(StatusCodes.Status401Unauthorized, StatusCodes.Status403Forbidden);
    }

    private static JsonNode Schema(Type type) => BatonJson.Options.GetJsonSchemaAsNode(type);

    /// <summary>One registered workflow.</summary>
    /// <param name="Name">The name it is started by.</param>
    /// <param name="Versions">Its registered versions; new instances run the newest.</param>
    /// <param name="Input">The JSON schema of the newest version's input.</param>
    /// <param name="Output">The JSON schema of the newest version's output.</param>
    /// <param name="StartUri">Its typed starter route.</param>
    internal sealed record WorkflowDescription(string Name, int[] Versions, JsonNode Input, JsonNode Output, string StartUri);
}
