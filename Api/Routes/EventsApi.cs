using System.Globalization;
using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using Baton.Api.Access;
using Baton.Api.Events;
using Baton.Api.Http;
using Baton.Api.OpenApi;
using Microsoft.OpenApi;

namespace Baton.Api.Routes;

/// <summary>
/// <c>GET /api/events</c>: status changes as server-sent events (<c>event: status</c>, the sequence number as the event id,
/// a <see cref="WorkflowStatusEvent"/> as data) of the request's namespace (<c>taskHub</c>), filtered by <c>instanceId</c>,
/// <c>name</c> and <c>runtimeStatus</c>. A client
/// that reconnects with <c>Last-Event-ID</c> (or passes <c>after</c>) gets what it missed, within the retention window.
/// The stream opens with an <c>event: ready</c> carrying <c>{"after": n}</c>: from then on, every change after n is sent.
/// A resume from beyond the newest event is preceded by <c>event: reset</c> with <c>{"requested": r, "head": n}</c>.
/// </summary>
internal static class EventsApi
{
    private const int BatchSize = 500;

    public static void MapEvents(this IEndpointRouteBuilder app) =>
        app.MapGet("/api/events", Stream).RequireAuthorization(AccessPolicies.Read).WithTags("Events")
            .WithSummary("Status changes as server-sent events (text/event-stream), from the newest on, or from after (or Last-Event-ID) on.")
            .WithParameters(new DocumentedParameter("Last-Event-ID", JsonSchemaType.Integer,
                "Resume after this event's sequence number (what an EventSource sends when it reconnects); overrides after.", ParameterLocation.Header))
            .WithProblems(StatusCodes.Status400BadRequest, StatusCodes.Status401Unauthorized, StatusCodes.Status403Forbidden);

    private static IResult Stream(
        string? instanceId, string? name, string? runtimeStatus, long? after, HttpRequest request, StatusEventHub hub, RequestNamespace space, CancellationToken cancellationToken)
    {
        space.Check();
        var namespaceName = space.Name;
        var statuses = InstanceQueries.Statuses(runtimeStatus)?.ToHashSet();
        var resumeFrom = request.Headers["Last-Event-ID"].ToString() is { Length: > 0 } lastId
            ? long.TryParse(lastId, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) ? parsed : throw new ArgumentException("Last-Event-ID must be a sequence number.")
            : after;
        bool Wanted(WorkflowStatusEvent e) =>
            e.Namespace == namespaceName && (instanceId is null || e.InstanceId == instanceId) && (name is null || e.Name == name) && (statuses is null || statuses.Contains(e.RuntimeStatus));
        return TypedResults.ServerSentEvents(ReadAsync(hub, resumeFrom, Wanted, cancellationToken));
    }

    private static async IAsyncEnumerable<SseItem<object>> ReadAsync(
        StatusEventHub hub, long? resumeFrom, Func<WorkflowStatusEvent, bool> wanted, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var head = await hub.CurrentAsync(cancellationToken);
        var position = resumeFrom ?? head;
        if (position > head)
        {
            // A sequence number this node never reached (another node's, or a store that was replaced): say so, and go on
            // from the newest event rather than wait silently for numbers that may never come.
            yield return new SseItem<object>(new { requested = position, head }, "reset");
            position = head;
        }

        // Sent at once so that the response starts (headers included) and the subscriber knows where it stands.
        yield return new SseItem<object>(new { after = position }, "ready");
        while (!cancellationToken.IsCancellationRequested)
        {
            var events = await hub.ReadAsync(position, BatchSize, cancellationToken);
            foreach (var e in events)
            {
                position = e.Sequence;
                if (wanted(e))
                {
                    yield return new SseItem<object>(e, "status") { EventId = e.Sequence.ToString(CultureInfo.InvariantCulture) };
                }
            }

            if (events.Count < BatchSize)
            {
                try
                {
                    await hub.WaitBeyondAsync(position, cancellationToken);
                }
                catch (OperationCanceledException)
                {
                    yield break;
                }
            }
        }
    }
}
