using System.Text.Json.Nodes;
using Baton.Api.Access;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Baton.Api.OpenApi;

/// <summary>
/// Completes Baton's OpenAPI document: the security schemes (an API key in <c>X-Api-Key</c>, a JWT bearer token), the
/// requirement on every route that needs one (either scheme will do), the parameters routes read themselves
/// (<see cref="DocumentedParameter"/>), and the namespace (<c>taskHub</c>) on every route that works in one.
/// </summary>
internal sealed class BatonOpenApiTransformer : IOpenApiDocumentTransformer, IOpenApiOperationTransformer
{
    private const string ApiKey = ApiKeyHandler.SchemeName;
    private const string Bearer = "Bearer";

    private static readonly DocumentedParameter TaskHub = new(Http.RequestNamespace.Parameter, JsonSchemaType.String,
        "The namespace (task hub) to work in; absent, or the node's task hub name (Baton:Api:TaskHub), for the default one. " +
        "An undeclared namespace is answered 404, one the caller's credentials do not open 403.");

    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.Info.Title = "Baton";
        document.Info.Description =
            "Durable workflows on Orleans. The management routes under /runtime/webhooks/durabletask have the shape of the Durable Functions HTTP API. " +
            "Errors are RFC 7807 problem details with an errorCode. Access control, when configured, takes an API key (X-Api-Key) or a JWT bearer token; " +
            "readers may read, operators may also start and control instances.";
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes[ApiKey] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.ApiKey,
            In = ParameterLocation.Header,
            Name = ApiKeyHandler.Header,
            Description = "An API key configured under Baton:Api:Access:ApiKeys (stored as its SHA-256), with the role Reader or Operator.",
        };
        document.Components.SecuritySchemes[Bearer] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            BearerFormat = "JWT",
            Description = "A JWT signed with the configured key (HS256) or by the configured authority (RS256, ES256, ...), with a role claim reader or operator.",
        };
        return Task.CompletedTask;
    }

    public Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var metadata = context.Description.ActionDescriptor.EndpointMetadata;
        var documented = metadata.OfType<DocumentedParameter>();
        if (InNamespace(context.Description.RelativePath) && metadata.OfType<IAuthorizeData>().Any())
        {
            documented = documented.Append(TaskHub);
        }

        foreach (var parameter in documented)
        {
            operation.Parameters ??= [];
            if (operation.Parameters.Any(p => p.Name == parameter.Name && p.In == parameter.In))
            {
                continue;
            }

            var schema = new OpenApiSchema { Type = parameter.Type, Format = parameter.Format };
            if (parameter.Values is { } values)
            {
                schema.Enum = [.. values.Select(v => (JsonNode)JsonValue.Create(v))];
            }

            operation.Parameters.Add(new OpenApiParameter { Name = parameter.Name, In = parameter.In, Description = parameter.Description, Schema = schema });
        }

        foreach (var parameter in (operation.Parameters ?? []).OfType<OpenApiParameter>())
        {
            if (string.IsNullOrEmpty(parameter.Description) && ApiDocumentation.ParameterDescriptions.TryGetValue(parameter.Name!, out var description))
            {
                parameter.Description = description;
            }
        }

        if (metadata.OfType<IAuthorizeData>().Any() && !metadata.OfType<IAllowAnonymous>().Any())
        {
            // Either scheme will do: two requirements are alternatives.
            operation.Security ??= [];
            operation.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(ApiKey, context.Document)] = [] });
            operation.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(Bearer, context.Document)] = [] });
        }

        return Task.CompletedTask;
    }

    /// <summary>Whether a route works in the request's namespace: all but callbacks (their token names the instance), the namespace list and the document itself.</summary>
    private static bool InNamespace(string? path) =>
        path is not null && !path.Contains("callbacks/", StringComparison.Ordinal) && !path.EndsWith("dashboard/namespaces", StringComparison.Ordinal)
        && !path.StartsWith("openapi", StringComparison.Ordinal);
}
