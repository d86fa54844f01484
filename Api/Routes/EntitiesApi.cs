using Baton.Api.Access;
using Baton.Api.Http;

namespace Baton.Api.Routes;

/// <summary>
/// The Durable Functions entity routes (<c>/entities/{name}/{key}</c>), which Baton does not have yet: every method answers
/// 501 with problem details, so that a Durable Functions client reports a missing feature rather than a missing entity.
/// </summary>
internal static class EntitiesApi
{
    public static void MapEntities(this IEndpointRouteBuilder app) =>
        app.MapMethods($"{ManagementUris.Prefix}/entities/{{**path}}", [HttpMethods.Get, HttpMethods.Post, HttpMethods.Delete], () =>
                Results.Problem(
                    statusCode: StatusCodes.Status501NotImplemented,
                    title: "Durable entities are not supported.",
                    detail: "Baton has no durable entities yet; this route answers 501 until it does.",
                    extensions: new Dictionary<string, object?> { [BatonProblems.ErrorCode] = "NotImplemented" }))
            .RequireAuthorization(AccessPolicies.Read)
            .WithTags("Entities")
            .ProducesProblem(StatusCodes.Status501NotImplemented);
}
