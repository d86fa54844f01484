using Baton.Silo.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace Baton.Samples.Monitor;

/// <summary>Registers the monitor sample on a silo.</summary>
public static class MonitorRegistration
{
    /// <summary>Registers <see cref="JobMonitor"/>, <see cref="ReportStatusChange"/> and the HttpClient it uses.</summary>
    /// <param name="baton">The silo's Baton builder.</param>
    /// <returns>The builder.</returns>
    public static BatonBuilder AddJobMonitor(this BatonBuilder baton)
    {
        ArgumentNullException.ThrowIfNull(baton);
        baton.Services.AddHttpClient(ReportStatusChange.HttpClientName, http => http.Timeout = TimeSpan.FromSeconds(30));
        return baton.AddWorkflow<JobMonitor>().AddActivity<ReportStatusChange>();
    }
}
