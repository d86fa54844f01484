using System.Text.Json;
using Baton.Api.Access;
using Baton.Api.Http;
using Baton.Api.OpenApi;

namespace Baton.Api.Routes;

/// <summary>
/// Durable entities in the Durable Functions shape: <c>POST /entities/{name}/{key}?op=</c> signals an operation (the body
/// is its input; the entity is created if missing) and answers 202 once it is stored; <c>GET /entities/{name}/{key}</c>
/// reads the state, 404 for an entity never signalled.
/// </summary>
internal static class EntitiesApi
{
    public static void MapEntities(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup($"{ManagementUris.Prefix}/entities/{{entityName}}/{{entityKey}}").WithTags("Entities");
        group.MapPost("", SignalAsync)
            .RequireAuthorization(AccessPolicies.Operate)
            .WithSummary("Signals an operation to an entity (the body is its input, any JSON); the entity is created if it does not exist, and runs its operations one at a time, in order.")
            .Accepts<JsonElement>(isOptional: true, "application/json")
            .Produces(StatusCodes.Status202Accepted)
            .WithProblems(StatusCodes.Status400BadRequest, StatusCodes.Status401Unauthorized, StatusCodes.Status403Forbidden, StatusCodes.Status404NotFound,
                StatusCodes.Status413PayloadTooLarge, StatusCodes.Status415UnsupportedMediaType, StatusCodes.Status503ServiceUnavailable);
        group.MapGet("", ReadAsync)
            .RequireAuthorization(AccessPolicies.Read)
            .WithSummary("Reads an entity's state, as its operations so far have left it.")
            .Produces(StatusCodes.Status200OK, contentType: "application/json")
            .WithProblems(StatusCodes.Status400BadRequest, StatusCodes.Status401Unauthorized, StatusCodes.Status403Forbidden, StatusCodes.Status404NotFound,
                StatusCodes.Status503ServiceUnavailable);
    }

    private static async Task<IResult> SignalAsync(
        string entityName, string entityKey, string? op, HttpRequest request, RequestBody body, [FromKeyedServices(RequestNamespace.Client)] IWorkflowClient client, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(op))
        {
            throw new ArgumentException("The operation is missing: add ?op={operation}.", nameof(op));
        }

        var input = await body.ReadJsonAsync(request, cancellationToken);
        await client.SignalEntityAsync(new EntityId(entityName, entityKey), op, input, cancellationToken);
        return TypedResults.Accepted((string?)null);
    }

    private static async Task<IResult> ReadAsync(string entityName, string entityKey, [FromKeyedServices(RequestNamespace.Client)] IWorkflowClient client, CancellationToken cancellationToken)
    {
        var entity = new EntityId(entityName, entityKey);
        var (exists, state) = await client.GetEntityStateAsync<JsonElement?>(entity, cancellationToken);
        return exists
            ? Results.Content(state is { } value ? value.GetRawText() : "null", "application/json")
            : throw new InstanceNotFoundException(entity.InstanceId);
    }
}
