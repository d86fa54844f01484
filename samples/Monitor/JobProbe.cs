namespace Baton.Samples.Monitor;

/// <summary>
/// Reads a job's status over HTTP. The workflow's condition check calls it inline (a check is workflow code, without
/// dependency injection, and is recorded, so it runs once per check); it shares one pooled client.
/// </summary>
public static class JobProbe
{
    private static readonly HttpClient Http = new(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(2) })
    {
        Timeout = TimeSpan.FromSeconds(30),
    };

    /// <summary>The job's status: the body of a GET on its URL, trimmed.</summary>
    public static async Task<string> ReadStatusAsync(string jobUrl) => (await Http.GetStringAsync(jobUrl).ConfigureAwait(false)).Trim();

    /// <summary>Whether a status ends the watch.</summary>
    public static bool IsFinal(string status) => status is "done" or "failed";
}
