using Microsoft.OpenApi;

namespace Baton.Api.OpenApi;

/// <summary>
/// A query value or header a route reads itself (from <see cref="HttpRequest"/>, not as a handler parameter), described for
/// the OpenAPI document. Attached to the route as metadata; <see cref="BatonOpenApiTransformer"/> adds it to the operation.
/// </summary>
/// <param name="Name">The query key or header name.</param>
/// <param name="Type">The JSON schema type of its value.</param>
/// <param name="Description">What it does.</param>
/// <param name="In">Where it goes: the query (default) or a header.</param>
/// <param name="Format">The schema format, for example <c>date-time</c>.</param>
/// <param name="Values">The values it takes, when they are a fixed set.</param>
internal sealed record DocumentedParameter(
    string Name,
    JsonSchemaType Type,
    string Description,
    ParameterLocation In = ParameterLocation.Query,
    string? Format = null,
    string[]? Values = null);
