using System.Text.Json;
using Baton.Api.Access;
using Baton.Api.Http;

namespace Baton.Api.Hosting;

/// <summary>
/// For routes a host adds beside Baton's own (an application's starter route, say): the same access control, and the
/// same management links, as Baton's routes.
/// </summary>
public static class BatonEndpoints
{
    /// <summary>Lets the route be called by operators only, as Baton's starting and controlling routes are (anyone, with access control off).</summary>
    /// <param name="builder">The route.</param>
    /// <returns>The route.</returns>
    public static TBuilder RequireBatonOperator<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.RequireAuthorization(AccessPolicies.Operate);

    /// <summary>Lets the route be called by readers and operators, as Baton's status routes are (anyone, with access control off).</summary>
    /// <param name="builder">The route.</param>
    /// <returns>The route.</returns>
    public static TBuilder RequireBatonReader<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.RequireAuthorization(AccessPolicies.Read);

    /// <summary>
    /// Reads the request's JSON body as Baton's own routes do: within <c>Baton:Api:MaxRequestBodyBytes</c> (413 beyond it),
    /// sent as JSON (415 otherwise), and well-formed (400 otherwise); each refusal a problem-details answer.
    /// </summary>
    /// <param name="request">The request.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The body as a JSON value, or null when the request has none.</returns>
    public static Task<JsonElement?> ReadJsonBodyAsync(HttpRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return request.HttpContext.RequestServices.GetRequiredService<RequestBody>().ReadJsonAsync(request, cancellationToken);
    }

    /// <summary>The instance's status URI on this node, as Baton's start answers give it (<c>statusQueryGetUri</c>).</summary>
    /// <param name="request">The request being answered: its scheme, host and path base make the URI.</param>
    /// <param name="instanceId">The instance.</param>
    /// <returns>The absolute URI.</returns>
    public static string StatusQueryGetUri(HttpRequest request, string instanceId)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentException.ThrowIfNullOrEmpty(instanceId);
        return ManagementUris.StatusUri(request, instanceId);
    }
}
