using System.Text.Json;
using Baton.Api.Access;
using Baton.Api.Http;
using Baton.Api.OpenApi;
using Baton.Grains.Registry;
using Baton.Serialization;

namespace Baton.Api.Routes;

/// <summary>
/// A typed starter route per registered workflow, <c>POST /api/workflows/{name}</c>: the body is the workflow's input type,
/// checked against its data annotations (every field error listed in a 400) and described in the OpenAPI document.
/// </summary>
internal static class WorkflowStartersApi
{
    public static void MapWorkflowStarters(this IEndpointRouteBuilder app)
    {
        var registry = app.ServiceProvider.GetRequiredService<WorkflowRegistry>();
        var group = app.MapGroup("/api/workflows").RequireAuthorization(AccessPolicies.Operate).WithTags("Workflows");
        foreach (var workflow in registry.StartableWorkflows.GroupBy(w => w.Name).Select(g => g.MaxBy(w => w.Version)!))
        {
            group.MapPost("/" + Uri.EscapeDataString(workflow.Name), (string? instanceId, double? timeout, HttpRequest request, RequestBody body, [FromKeyedServices(RequestNamespace.Client)] IWorkflowClient client, CancellationToken ct) =>
                    StartAsync(workflow, instanceId, timeout, request, body, client, ct))
                .WithName("Start" + workflow.Name)
                .WithSummary($"Starts workflow '{workflow.Name}' (version {workflow.Version}).")
                .Accepts(workflow.InputType, "application/json")
                .Produces<ManagementUris>(StatusCodes.Status202Accepted)
                .Produces<DurableStatus>(StatusCodes.Status200OK)
                .WithParameters(ApiDocumentation.IfExists)
                .ProducesValidationProblem()
                .WithProblems(StatusCodes.Status401Unauthorized, StatusCodes.Status403Forbidden, StatusCodes.Status409Conflict,
                    StatusCodes.Status413PayloadTooLarge, StatusCodes.Status415UnsupportedMediaType, StatusCodes.Status503ServiceUnavailable);
        }
    }

    private static async Task<IResult> StartAsync(
        WorkflowRegistration workflow, string? instanceId, double? timeout, HttpRequest request, RequestBody body, [FromKeyedServices(RequestNamespace.Client)] IWorkflowClient client, CancellationToken cancellationToken)
    {
        // The client checks the input (type, presence, data annotations) before anything is stored, as on every other path.
        var input = await body.ReadJsonAsync(request, cancellationToken);
        return await InstancesApi.StartAndAnswerAsync(workflow.Name, instanceId, input, timeout, request, client, cancellationToken);
    }
}
