using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Baton.Silo.Hosting;

/// <summary>Exporting Baton's traces, metrics and logs over OTLP, when an endpoint is configured.</summary>
public static class BatonTelemetryExtensions
{
    /// <summary>The configuration key of the OTLP endpoint (for example <c>http://127.0.0.1:4317</c>). Default: none, nothing is exported.</summary>
    public const string OtlpEndpointKey = "Baton:Telemetry:OtlpEndpoint";

    /// <summary>
    /// With <see cref="OtlpEndpointKey"/> set, exports over OTLP Baton's spans and metrics (<see cref="BatonTelemetry"/>),
    /// Orleans' and ASP.NET Core's metrics, and the logs with their scopes (each carries the instance id, and an
    /// activity's step). Without it, does nothing: the spans are not even created.
    /// </summary>
    /// <param name="host">The host builder.</param>
    /// <returns>The host builder.</returns>
    public static IHostApplicationBuilder AddBatonTelemetry(this IHostApplicationBuilder host)
    {
        ArgumentNullException.ThrowIfNull(host);
        if (host.Configuration[OtlpEndpointKey] is not { Length: > 0 } endpoint)
        {
            return host;
        }

        var target = new Uri(endpoint, UriKind.Absolute);
        host.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService("baton"))
            .WithTracing(tracing => tracing
                .AddSource(BatonTelemetry.ActivitySourceNames)
                .AddOtlpExporter(o => o.Endpoint = target))
            .WithMetrics(metrics => metrics
                .AddMeter(BatonTelemetry.MeterName, "Microsoft.Orleans", "Microsoft.AspNetCore.Hosting")
                .AddOtlpExporter(o => o.Endpoint = target))
            .WithLogging(logs => logs.AddOtlpExporter(o => o.Endpoint = target), options => options.IncludeScopes = true);
        return host;
    }
}
