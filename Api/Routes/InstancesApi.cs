using Baton.Api.Access;
using Baton.Api.Hosting;
using System.Text.Json;
using Baton.Api.Http;
using Baton.Api.OpenApi;
using Microsoft.OpenApi;
using Baton.Serialization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Baton.Api.Routes;

/// <summary>
/// Starting, reading, listing, counting and purging instances, in the Durable Functions management API shape under
/// <c>/runtime/webhooks/durabletask</c>. Errors are problem details (see <see cref="BatonProblems"/>).
/// </summary>
internal static class InstancesApi
{
    /// <summary>The most history events a status inlines, and the default page of <c>/history</c>.</summary>
    public const int InlineHistoryLimit = 1000;

    public static void MapInstances(this IEndpointRouteBuilder app)
    {
        var read = app.MapGroup(ManagementUris.Prefix).RequireAuthorization(AccessPolicies.Read).WithTags("Instances")
            .WithProblems(StatusCodes.Status400BadRequest, StatusCodes.Status401Unauthorized, StatusCodes.Status403Forbidden, StatusCodes.Status503ServiceUnavailable);
        read.MapGet("/instances/{instanceId}", GetAsync)
            .WithSummary("An instance's status; showHistory inlines up to 1,000 history events, waitSeconds long-polls until it finishes.")
            .WithProblems(StatusCodes.Status404NotFound);
        read.MapGet("/instances/{instanceId}/history", GetHistoryAsync)
            .WithSummary("An instance's history, a page at a time, oldest first.")
            .WithParameters(new DocumentedParameter(InstanceQueries.ContinuationHeader, JsonSchemaType.String, "The next page's token (or give it as continuationToken).", ParameterLocation.Header))
            .WithProblems(StatusCodes.Status404NotFound);
        read.MapGet("/instances", ListAsync)
            .WithSummary("Lists instances, newest first, a page at a time; the next page's token is in the x-ms-continuation-token response header.")
            .WithParameters([.. ApiDocumentation.InstanceFilters, .. ApiDocumentation.ListingPaging]);
        read.MapGet("/counts", CountAsync)
            .WithSummary("Counts instances by status.")
            .WithParameters([.. ApiDocumentation.InstanceFilters, ApiDocumentation.ListingPaging[0], ApiDocumentation.ListingPaging[1]]);

        var operate = app.MapGroup(ManagementUris.Prefix).RequireAuthorization(AccessPolicies.Operate).WithTags("Instances")
            .WithProblems(StatusCodes.Status400BadRequest, StatusCodes.Status401Unauthorized, StatusCodes.Status403Forbidden, StatusCodes.Status503ServiceUnavailable);
        // Two routes rather than one with an optional {instanceId?}, which OpenAPI cannot describe (path parameters are required).
        operate.MapPost("/orchestrators/{name}", (string name, double? timeout, HttpRequest request, RequestBody body, [FromKeyedServices(RequestNamespace.Client)] IWorkflowClient client, CancellationToken ct) =>
                StartAsync(name, null, timeout, request, body, client, ct))
            .DocumentStart("under a new random id");
        operate.MapPost("/orchestrators/{name}/{instanceId}", StartAsync).DocumentStart("under the id given");
        operate.MapDelete("/instances/{instanceId}", PurgeOneAsync)
            .WithSummary("Purges a finished instance: its history, status and payloads.")
            .WithProblems(StatusCodes.Status404NotFound, StatusCodes.Status412PreconditionFailed);
        operate.MapDelete("/instances", PurgeManyAsync)
            .WithSummary("Purges every finished instance that matches the filters (at least one filter).")
            .WithParameters(ApiDocumentation.InstanceFilters);
    }

    private static RouteHandlerBuilder DocumentStart(this RouteHandlerBuilder route, string underWhichId) => route
        .WithSummary($"Starts an instance of a workflow {underWhichId}; the body is its input (any JSON; \"\" or none for no input). With timeout, waits that many seconds for it to finish.")
        .Accepts<JsonElement>(isOptional: true, "application/json")
        .WithParameters(ApiDocumentation.IfExists)
        .WithProblems(StatusCodes.Status404NotFound, StatusCodes.Status409Conflict, StatusCodes.Status413PayloadTooLarge, StatusCodes.Status415UnsupportedMediaType);

    /// <summary>
    /// Starts an instance and answers 202 with its management URIs; with <c>timeout</c> (seconds), waits that long and answers
    /// 200 with the final status when it finishes in time. A taken id is a 409 unless <c>ifExists=returnExisting</c>. Shared by
    /// the typed starter routes.
    /// </summary>
    public static async Task<Results<Accepted<ManagementUris>, Ok<DurableStatus>>> StartAndAnswerAsync(
        string name, string? instanceId, object? input, double? timeout, HttpRequest request, [FromKeyedServices(RequestNamespace.Client)] IWorkflowClient client, CancellationToken cancellationToken)
    {
        // As in Durable Functions, a start on the id of a finished instance replaces it, and one on a live instance's id is a
        // conflict; ifExists=returnExisting makes the start idempotent, ifExists=fail refuses any taken id.
        var ifExists = request.Query["ifExists"].ToString() switch
        {
            "" or "recreateIfFinished" => InstanceIdReusePolicy.RecreateIfFinished,
            "fail" => InstanceIdReusePolicy.Fail,
            "returnExisting" => InstanceIdReusePolicy.ReturnExisting,
            var other => throw new ArgumentException($"ifExists must be 'recreateIfFinished' (the default), 'fail' or 'returnExisting', not '{other}'."),
        };
        var wait = HoldFor(timeout, "timeout", request);

        var id = await client.StartAsync(name, input, new StartWorkflowOptions { InstanceId = instanceId, IfExists = ifExists }, cancellationToken);
        var uris = ManagementUris.For(request, id);
        if (wait is { } limit)
        {
            try
            {
                var finished = await client.WaitForCompletionAsync(id, limit, cancellationToken);
                return TypedResults.Ok(DurableStatus.From(finished));
            }
            catch (TimeoutException)
            {
            }
        }

        return TypedResults.Accepted(uris.StatusQueryGetUri, uris);
    }

    private static async Task<Results<Accepted<ManagementUris>, Ok<DurableStatus>>> StartAsync(
        string name, string? instanceId, double? timeout, HttpRequest request, RequestBody body, [FromKeyedServices(RequestNamespace.Client)] IWorkflowClient client, CancellationToken cancellationToken)
    {
        var input = await body.ReadJsonAsync(request, cancellationToken);
        if (input is { ValueKind: System.Text.Json.JsonValueKind.String } text && text.GetString() == "")
        {
            // What the Durable Functions client sends for "no input": the start has none.
            input = null;
        }

        return await StartAndAnswerAsync(name, instanceId, input, timeout, request, client, cancellationToken);
    }

    private static async Task<Results<Ok<DurableStatus>, Accepted<DurableStatus>>> GetAsync(
        string instanceId, bool? showHistory, bool? showInput, double? waitSeconds, HttpContext context, [FromKeyedServices(RequestNamespace.Client)] IWorkflowClient client,
        CancellationToken cancellationToken)
    {
        if (HoldFor(waitSeconds, "waitSeconds", context.Request) is { } limit)
        {
            // Long polling: hold the request until the instance finishes or the wait ends, then answer as usual.
            try
            {
                await client.WaitForCompletionAsync(instanceId, limit, cancellationToken);
            }
            catch (TimeoutException)
            {
            }
        }

        var status = await client.GetStatusAsync(instanceId, includeHistory: false, cancellationToken)
            ?? throw new InstanceNotFoundException(instanceId);
        string? historyNext = null;
        if (showHistory == true)
        {
            // Inline at most one page: a history of a million events is read through /history, page by page.
            var page = await client.GetHistoryAsync(instanceId, null, InlineHistoryLimit, cancellationToken);
            status = status with { History = page.Events };
            historyNext = page.ContinuationToken is { } token ? HistoryUri(context.Request, instanceId, token) : null;
        }

        var payload = DurableStatus.From(status, showInput ?? true) with { HistoryNextUri = historyNext };
        if (status.RuntimeStatus.IsTerminal())
        {
            return TypedResults.Ok(payload);
        }

        context.Response.Headers.RetryAfter = "1";
        return TypedResults.Accepted(ManagementUris.StatusUri(context.Request, instanceId), payload);
    }

    /// <summary>
    /// <c>GET /instances/{id}/history?top=n</c>: the history a page at a time, oldest first; the next page's token is in the
    /// <c>x-ms-continuation-token</c> response header (send it back as that request header, as for listings, or as the
    /// <c>continuationToken</c> query value, as the <c>historyNextUri</c> of a status does).
    /// </summary>
    private static async Task<Ok<JsonElement>> GetHistoryAsync(
        string instanceId, int? top, string? continuationToken, HttpContext context, [FromKeyedServices(RequestNamespace.Client)] IWorkflowClient client, CancellationToken cancellationToken)
    {
        var token = continuationToken
            ?? (context.Request.Headers[InstanceQueries.ContinuationHeader].ToString() is { Length: > 0 } given ? given : null);
        var page = await client.GetHistoryAsync(instanceId, token, top ?? InlineHistoryLimit, cancellationToken);
        if (page.ContinuationToken is { } next)
        {
            context.Response.Headers[InstanceQueries.ContinuationHeader] = next;
        }

        return TypedResults.Ok(JsonSerializer.SerializeToElement(page.Events, BatonJson.Options));
    }

    private static string HistoryUri(HttpRequest request, string instanceId, string token) =>
        $"{request.Scheme}://{request.Host}{request.PathBase}{ManagementUris.Prefix}/instances/{Uri.EscapeDataString(instanceId)}/history?top={InlineHistoryLimit}&continuationToken={Uri.EscapeDataString(token)}";

    /// <summary>
    /// How long a request may be held for its instance to finish: the seconds asked for, at most
    /// <see cref="ApiOptions.MaxLongPoll"/> (the same cap for a start's or an update's <c>timeout</c> and a read's <c>waitSeconds</c>);
    /// null for no wait.
    /// </summary>
    internal static TimeSpan? HoldFor(double? seconds, string parameter, HttpRequest request)
    {
        if (seconds is not { } value || value == 0)
        {
            return null;
        }

        if (double.IsNaN(value) || double.IsInfinity(value) || value < 0)
        {
            throw new ArgumentException($"{parameter} must be a number of seconds, 0 or more, not {value.ToString(System.Globalization.CultureInfo.InvariantCulture)}.");
        }

        var max = request.HttpContext.RequestServices.GetRequiredService<IOptions<ApiOptions>>().Value.MaxLongPoll;
        return TimeSpan.FromSeconds(Math.Min(value, max.TotalSeconds));
    }

    private static async Task<Ok<DurableStatus[]>> ListAsync(bool? showInput, HttpContext context, [FromKeyedServices(RequestNamespace.Client)] IWorkflowClient client, CancellationToken cancellationToken)
    {
        var query = InstanceQueries.Listing(context.Request);
        if (InstanceQueries.MatchesNothing(query.Statuses))
        {
            return TypedResults.Ok(Array.Empty<DurableStatus>());
        }

        var page = await client.ListAsync(query, cancellationToken);
        if (page.ContinuationToken is { } next)
        {
            context.Response.Headers[InstanceQueries.ContinuationHeader] = next;
        }

        // Lists carry each instance's input unless showInput=false, as in Durable Functions.
        return TypedResults.Ok(page.Items.Select(s => DurableStatus.From(s, showInput ?? true)).ToArray());
    }

    private static async Task<Ok<StatusCounts>> CountAsync(HttpRequest request, [FromKeyedServices(RequestNamespace.Client)] IWorkflowClient client, CancellationToken cancellationToken)
    {
        var query = InstanceQueries.Listing(request);
        var counts = InstanceQueries.MatchesNothing(query.Statuses)
            ? new Dictionary<WorkflowRuntimeStatus, long>()
            : await client.CountByStatusAsync(query, cancellationToken);
        return TypedResults.Ok(new StatusCounts(counts.Values.Sum(), counts.ToDictionary(c => c.Key.ToString(), c => c.Value)));
    }

    private static async Task<Ok<PurgeResult>> PurgeOneAsync(string instanceId, [FromKeyedServices(RequestNamespace.Client)] IWorkflowClient client, CancellationToken cancellationToken)
    {
        await client.PurgeAsync(instanceId, cancellationToken);
        return TypedResults.Ok(new PurgeResult(1));
    }

    private static async Task<Ok<PurgeResult>> PurgeManyAsync(HttpRequest request, [FromKeyedServices(RequestNamespace.Client)] IWorkflowClient client, CancellationToken cancellationToken)
    {
        var query = InstanceQueries.Purge(request);
        return TypedResults.Ok(new PurgeResult(InstanceQueries.MatchesNothing(query.Statuses) ? 0 : await client.PurgeAsync(query, cancellationToken)));
    }

    /// <summary>The answer to a count: the total and each status's count.</summary>
    internal sealed record StatusCounts(long Total, IReadOnlyDictionary<string, long> ByStatus);

    /// <summary>The answer to a purge, in the Durable Functions field name.</summary>
    internal sealed record PurgeResult(int InstancesDeleted);
}
