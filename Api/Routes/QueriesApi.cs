using Baton.Api.Access;
using Baton.Api.Http;
using Baton.Api.OpenApi;

namespace Baton.Api.Routes;

/// <summary>
/// <c>GET /instances/{id}/query/{queryName}</c>: the answer of a query the workflow declared, as JSON, from its last
/// committed turn (rebuilt by replay; the history is not touched). A reading route.
/// </summary>
internal static class QueriesApi
{
    public static void MapQueries(this IEndpointRouteBuilder app) =>
        app.MapGet(ManagementUris.Prefix + "/instances/{instanceId}/query/{queryName}", async (string instanceId, string queryName, [FromKeyedServices(RequestNamespace.Client)] IWorkflowClient client, CancellationToken ct) =>
                Results.Content(await client.QueryAsync(instanceId, queryName, ct) ?? "null", "application/json"))
            .RequireAuthorization(AccessPolicies.Read)
            .WithTags("Instances")
            .WithSummary("Answers a query the workflow declared (SetQueryHandler), from its last committed turn; the history is not changed.")
            .Produces(StatusCodes.Status200OK, contentType: "application/json")
            .WithProblems(StatusCodes.Status400BadRequest, StatusCodes.Status401Unauthorized, StatusCodes.Status403Forbidden, StatusCodes.Status404NotFound,
                StatusCodes.Status422UnprocessableEntity, StatusCodes.Status503ServiceUnavailable);
}
