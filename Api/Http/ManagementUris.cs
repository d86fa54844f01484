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

    /// <summary>The instance's status URI alone, for a status answer's <c>Location</c>.</summary>
    public static string StatusUri(HttpRequest request, string instanceId) =>
        $"{request.Scheme}://{request.Host}{request.PathBase}{Prefix}/instances/{Uri.EscapeDataString(instanceId)}";

    public static ManagementUris For(HttpRequest request, string instanceId)
    {
        var instance = StatusUri(request, instanceId);
        return new ManagementUris(
            instanceId,
            instance,
            instance + "/raiseEvent/{eventName}",
            instance + "/terminate?reason={text}",
            instance + "/suspend?reason={text}",
            instance + "/resume?reason={text}",
            instance + "/restart", // posted as given, it restarts under the same id; add ?restartWithNewInstanceId=true for a copy
            instance + "/rewind?reason={text}",
            instance);
    }
}
