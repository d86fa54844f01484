using System.Net.Http.Json;

namespace Baton.Samples.Monitor;

/// <summary>What <see cref="ReportStatusChange"/> reports: the job, the webhook, the status before and the change's number.</summary>
/// <param name="JobUrl">The job's status URL.</param>
/// <param name="WebhookUrl">Where to POST the change.</param>
/// <param name="From">The status last reported; null for the first report.</param>
/// <param name="Iteration">The change's number.</param>
public sealed record ReportRequest(string JobUrl, string WebhookUrl, string? From, int Iteration);

/// <summary>
/// Reads the job's status as it is now and POSTs the change to the webhook; answers the change reported. Retried by the
/// workflow on failure, so a receiver may see a change twice: <see cref="StatusChange.Iteration"/> tells.
/// </summary>
public sealed class ReportStatusChange(IHttpClientFactory clients) : Activity<ReportRequest, StatusChange>
{
    /// <summary>The name of the HttpClient the activity uses.</summary>
    public const string HttpClientName = "Baton.Samples.Monitor";

    public override async Task<StatusChange> RunAsync(ActivityContext context, ReportRequest request)
    {
        var http = clients.CreateClient(HttpClientName);
        var status = (await http.GetStringAsync(request.JobUrl, context.CancellationToken)).Trim();
        var change = new StatusChange(request.JobUrl, request.From, status, request.Iteration);
        using var response = await http.PostAsJsonAsync(request.WebhookUrl, change, context.CancellationToken);
        response.EnsureSuccessStatusCode();
        return change;
    }
}
