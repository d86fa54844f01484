using System.ComponentModel.DataAnnotations;
using System.Text.Json;
using Baton.Api.Access;
using Baton.Api.Http;
using Baton.Api.OpenApi;
using Baton.Serialization;

namespace Baton.Api.Routes;

/// <summary>
/// <c>/api/schedules</c>: create (<c>POST</c> with <c>{"scheduleId", "spec"}</c>), list, read, edit (<c>PUT</c> with a
/// spec), delete, and pause, resume, trigger and backfill a schedule (<see cref="ScheduleClient"/>).
/// </summary>
internal static class SchedulesApi
{
    public static void MapSchedules(this IEndpointRouteBuilder app)
    {
        var read = app.MapGroup("/api/schedules").RequireAuthorization(AccessPolicies.Read).WithTags("Schedules")
            .WithProblems(StatusCodes.Status401Unauthorized, StatusCodes.Status403Forbidden);
        read.MapGet("/", ([FromKeyedServices(RequestNamespace.Client)] IWorkflowClient client, CancellationToken ct) => new ScheduleClient(client).ListAsync(ct))
            .WithSummary("Lists the schedules.");
        read.MapGet("/{scheduleId}", async (string scheduleId, [FromKeyedServices(RequestNamespace.Client)] IWorkflowClient client, CancellationToken ct) =>
                await new ScheduleClient(client).GetAsync(scheduleId, ct) is { } schedule ? Results.Ok(schedule) : NotFound(scheduleId))
            .WithSummary("Reads a schedule: its spec, whether it is paused, its next run, its counts and latest runs.")
            .Produces<ScheduleDescription>()
            .WithProblems(StatusCodes.Status404NotFound);

        var operate = app.MapGroup("/api/schedules").RequireAuthorization(AccessPolicies.Operate).WithTags("Schedules")
            .WithProblems(StatusCodes.Status400BadRequest, StatusCodes.Status401Unauthorized, StatusCodes.Status403Forbidden);
        operate.MapPost("/", CreateAsync)
            .WithSummary("Creates a schedule. The body is {\"scheduleId\": \"...\", \"spec\": {...}}; every invalid field is listed by its path.")
            .Accepts<CreateSchedule>("application/json")
            .Produces<ScheduleDescription>(StatusCodes.Status201Created)
            .WithProblems(StatusCodes.Status409Conflict, StatusCodes.Status413PayloadTooLarge, StatusCodes.Status415UnsupportedMediaType);
        operate.MapPut("/{scheduleId}", UpdateAsync)
            .WithSummary("Replaces a schedule's spec (the body); its runs are counted from now.")
            .Accepts<ScheduleSpec>("application/json")
            .Produces(StatusCodes.Status202Accepted)
            .WithProblems(StatusCodes.Status404NotFound, StatusCodes.Status413PayloadTooLarge, StatusCodes.Status415UnsupportedMediaType);
        operate.MapDelete("/{scheduleId}", (string scheduleId, [FromKeyedServices(RequestNamespace.Client)] IWorkflowClient client, CancellationToken ct) =>
                CommandAsync(scheduleId, client, s => s.DeleteAsync(scheduleId, ct), ct))
            .WithSummary("Deletes a schedule: it starts nothing more; runs already started go on.")
            .WithProblems(StatusCodes.Status404NotFound);
        foreach (var (verb, summary, send) in new (string, string, Func<ScheduleClient, string, CancellationToken, Task>)[]
                 {
                     ("pause", "Pauses a schedule.", (s, id, ct) => s.PauseAsync(id, ct)),
                     ("resume", "Resumes a paused schedule, from now on (runs due while paused are not made up).", (s, id, ct) => s.ResumeAsync(id, ct)),
                     ("trigger", "Starts a run now, under the schedule's overlap policy.", (s, id, ct) => s.TriggerAsync(id, ct)),
                 })
        {
            operate.MapPost("/{scheduleId}/" + verb, (string scheduleId, [FromKeyedServices(RequestNamespace.Client)] IWorkflowClient client, CancellationToken ct) =>
                    CommandAsync(scheduleId, client, s => send(s, scheduleId, ct), ct))
                .WithSummary(summary)
                .Produces(StatusCodes.Status202Accepted)
                .WithProblems(StatusCodes.Status404NotFound);
        }

        operate.MapPost("/{scheduleId}/backfill", BackfillAsync)
            .WithSummary("Starts a run for every schedule time in (from, to], at most 1,000; a time that already has its run is not started again.")
            .Accepts<Backfill>("application/json")
            .Produces(StatusCodes.Status202Accepted)
            .WithProblems(StatusCodes.Status404NotFound);
    }

    private static async Task<IResult> CreateAsync(HttpRequest request, RequestBody body, [FromKeyedServices(RequestNamespace.Client)] IWorkflowClient client, CancellationToken cancellationToken)
    {
        // The start validates the body as the schedule workflow's input ({scheduleId, spec}), so the errors carry the body's own paths.
        var json = await body.ReadJsonAsync(request, cancellationToken);
        var id = json is { ValueKind: JsonValueKind.Object } o && o.TryGetProperty("scheduleId", out var given) && given.ValueKind == JsonValueKind.String ? given.GetString()! : "";
        // A live schedule under the id refuses the start (409); a deleted (terminated) one is replaced.
        await client.StartAsync(ScheduleClient.WorkflowName, json, new StartWorkflowOptions
        {
            InstanceId = id.Length > 0 ? ScheduleClient.InstanceIdOf(id) : null,
            IfExists = InstanceIdReusePolicy.RecreateIfFinished,
        }, cancellationToken);
        var created = BatonJson.Deserialize<ScheduleState>(json!.Value.GetRawText())!;
        return Results.Created($"/api/schedules/{Uri.EscapeDataString(id)}", new ScheduleDescription { ScheduleId = id, Spec = created.Spec, Paused = created.Spec.Paused });
    }

    private static async Task<IResult> UpdateAsync(string scheduleId, HttpRequest request, RequestBody body, [FromKeyedServices(RequestNamespace.Client)] IWorkflowClient client, CancellationToken cancellationToken)
    {
        var json = await body.ReadJsonAsync(request, cancellationToken);
        ScheduleSpec? spec;
        try
        {
            spec = json is null ? null : BatonJson.Deserialize<ScheduleSpec>(json.Value.GetRawText());
        }
        catch (JsonException ex)
        {
            return Results.ValidationProblem(new Dictionary<string, string[]> { [ex.Path?.TrimStart('$', '.') ?? ""] = [ex.Message] }, title: "Invalid schedule spec.");
        }

        if (spec is null)
        {
            return Results.ValidationProblem(new Dictionary<string, string[]> { [""] = ["The body must be a schedule spec."] }, title: "Invalid schedule spec.");
        }

        var problems = new List<ValidationResult>();
        if (!Validator.TryValidateObject(spec, new ValidationContext(spec), problems, validateAllProperties: true))
        {
            return Results.ValidationProblem(
                problems.SelectMany(p => p.MemberNames.DefaultIfEmpty("").Select(m => (Member: JsonNamingPolicy.CamelCase.ConvertName(m), p.ErrorMessage)))
                    .GroupBy(p => p.Member).ToDictionary(g => g.Key, g => g.Select(p => p.ErrorMessage ?? "is invalid.").ToArray()),
                title: "Invalid schedule spec.");
        }

        return await CommandAsync(scheduleId, client, s => s.UpdateAsync(scheduleId, spec, cancellationToken), cancellationToken);
    }

    private static async Task<IResult> BackfillAsync(string scheduleId, Backfill range, [FromKeyedServices(RequestNamespace.Client)] IWorkflowClient client, CancellationToken cancellationToken) =>
        await CommandAsync(scheduleId, client, s => s.BackfillAsync(scheduleId, range.From, range.To, cancellationToken), cancellationToken);

    private static async Task<IResult> CommandAsync(string scheduleId, [FromKeyedServices(RequestNamespace.Client)] IWorkflowClient client, Func<ScheduleClient, Task> command, CancellationToken cancellationToken)
    {
        var schedules = new ScheduleClient(client);
        if (await schedules.GetAsync(scheduleId, cancellationToken) is null)
        {
            return NotFound(scheduleId);
        }

        await command(schedules);
        return Results.Accepted($"/api/schedules/{Uri.EscapeDataString(scheduleId)}");
    }

    private static IResult NotFound(string scheduleId) => Results.Problem(
        statusCode: StatusCodes.Status404NotFound, title: "Unknown schedule.", detail: $"There is no schedule '{scheduleId}'.",
        extensions: new Dictionary<string, object?> { ["scheduleId"] = scheduleId, [BatonProblems.ErrorCode] = "ScheduleNotFound" });

    /// <summary>The body of <c>POST /api/schedules</c>.</summary>
    /// <param name="ScheduleId">The schedule's id.</param>
    /// <param name="Spec">What it starts, and when.</param>
    internal sealed record CreateSchedule(string ScheduleId, ScheduleSpec Spec);

    /// <summary>The body of <c>POST /api/schedules/{id}/backfill</c>: the range (from, to] of times to start runs for.</summary>
    internal sealed record Backfill(DateTime From, DateTime To);
}
