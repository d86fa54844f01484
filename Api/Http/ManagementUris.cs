namespace Baton.Api.Http;

/// <summary>
/// The answer to a start: the instance id and the URIs that manage it, under the Durable Functions names
/// (<c>statusQueryGetUri</c>, <c>sendEventPostUri</c> with an <c>{eventName}</c> placeholder, and so on).
/// </summary>
internal sealed record ManagementUris(
    string Id,
    string StatusQueryGetUri,
    string SendEventPostUri,
    string TerminatePostUri,
    string SuspendPostUri,
    string ResumePostUri,
    string RestartPostUri,
    string RewindPostUri,
    string PurgeHistoryDeleteUri)
{
    /// <summary>The route prefix of the management API.</summary>
    public const string Prefix = "/runtime/webhooks/durabletask";

    /// <summary>
    /// The connection name the URIs carry: Durable Functions' default. Baton has one store per node and does not read it; it
    /// is there, beside the task hub (the namespace), so that a client that appends <c>&amp;showHistory=true</c> to a URI, as
    /// Durable Functions clients do, extends its query rather than the instance id.
    /// </summary>
    public const string Connection = "Storage";

    /// <summary>The instance's status URI alone, for a status answer's <c>Location</c>.</summary>
    public static string StatusUri(HttpRequest request, string instanceId) => InstanceUri(request, instanceId) + "?" + HubQuery(request);

    public static ManagementUris For(HttpRequest request, string instanceId)
    {
        var instance = InstanceUri(request, instanceId);
        var hub = HubQuery(request);
        return new ManagementUris(
            instanceId,
            $"{instance}?{hub}",
            $"{instance}/raiseEvent/{{eventName}}?{hub}",
            $"{instance}/terminate?reason={{text}}&{hub}",
            $"{instance}/suspend?reason={{text}}&{hub}",
            $"{instance}/resume?reason={{text}}&{hub}",
            $"{instance}/restart?{hub}", // posted as given, it restarts under the same id; add restartWithNewInstanceId=true for a copy
            $"{instance}/rewind?reason={{text}}&{hub}",
            $"{instance}?{hub}");
    }

    private static string InstanceUri(HttpRequest request, string instanceId) =>
        $"{request.Scheme}://{request.Host}{request.PathBase}{Prefix}/instances/{Uri.EscapeDataString(instanceId)}";

    /// <summary>The request's task hub: the URIs address the instance in the namespace the request worked in.</summary>
    private static string HubQuery(HttpRequest request)
    {
        var hub = request.HttpContext.RequestServices.GetRequiredService<RequestNamespace>().TaskHub;
        return $"{RequestNamespace.Parameter}={Uri.EscapeDataString(hub)}&connection={Connection}";
    }
}
