using System.Text.Json;
using Baton.Api.Access;
using Baton.Api.Http;
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
        foreach (var workflow in registry.Workflows.GroupBy(w => w.Name).Select(g => g.MaxBy(w => w.Version)!))
        {
            group.MapPost("/" + Uri.EscapeDataString(workflow.Name), (string? instanceId, double? timeout, HttpRequest request, RequestBody body, IWorkflowClient client, CancellationToken ct) =>
                    StartAsync(workflow, instanceId, timeout, request, body, client, ct))
                .WithName("Start" + workflow.Name)
                .WithSummary($"Starts workflow '{workflow.Name}' (version {workflow.Version}).")
                .Accepts(workflow.InputType, "application/json")
                .Produces<ManagementUris>(StatusCodes.Status202Accepted)
                .Produces<DurableStatus>(StatusCodes.Status200OK)
                .ProducesValidationProblem()
                .ProducesProblem(StatusCodes.Status409Conflict)
                .ProducesProblem(StatusCodes.Status413PayloadTooLarge);
        }
    }

    private static async Task<IResult> StartAsync(
        WorkflowRegistration workflow, string? instanceId, double? timeout, HttpRequest request, RequestBody body, IWorkflowClient client, CancellationToken cancellationToken)
    {
        var json = await body.ReadJsonAsync(request, cancellationToken);
        object? input;
        try
        {
            input = json is { } element ? element.Deserialize(workflow.InputType, BatonJson.Options) : null;
        }
        catch (JsonException ex)
        {
            throw new InvalidWorkflowInputException(workflow.Name, workflow.InputType, ex.Message, ex);
        }

        if (input is null && workflow.InputType.IsValueType && Nullable.GetUnderlyingType(workflow.InputType) is null)
        {
            throw new InvalidWorkflowInputException(workflow.Name, workflow.InputType, "the body is empty.");
        }

        var errors = InputValidator.Validate(input);
        if (errors.Count > 0)
        {
            throw new InvalidWorkflowInputException(workflow.Name, workflow.InputType.Name,
                $"{errors.Count} field(s) failed validation: {string.Join("; ", errors.Select(e => $"{e.Key}: {string.Join(" ", e.Value)}"))}", errors);
        }

        return await InstancesApi.StartAndAnswerAsync(workflow.Name, instanceId, input, timeout, request, client, cancellationToken);
    }
}
