using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenTelemetry.Exporter;
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
    /// The configuration key of the OTLP protocol: <c>grpc</c> (the default; the endpoint is a collector's gRPC port, 4317)
    /// or <c>http/protobuf</c> (the endpoint is its HTTP base, port 4318; each signal goes to <c>/v1/traces</c>,
    /// <c>/v1/metrics</c> or <c>/v1/logs</c> under it).
    /// </summary>
    public const string OtlpProtocolKey = "Baton:Telemetry:OtlpProtocol";

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

        var protocol = host.Configuration[OtlpProtocolKey] switch
        {
            null or "" or "grpc" => OtlpExportProtocol.Grpc,
            "http/protobuf" => OtlpExportProtocol.HttpProtobuf,
            var other => throw new InvalidOperationException($"{OtlpProtocolKey} is '{other}'; it must be 'grpc' or 'http/protobuf'."),
        };
        var root = new Uri(endpoint, UriKind.Absolute);
        // Over HTTP an endpoint set in code is used as given, so each signal's path is added here, as a collector expects.
        Action<OtlpExporterOptions> To(string signal) => o =>
        {
            o.Protocol = protocol;
            o.Endpoint = protocol == OtlpExportProtocol.Grpc ? root : new Uri(root.ToString().TrimEnd('/') + "/v1/" + signal);
        };
        host.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService("baton"))
            .WithTracing(tracing => tracing
                .AddSource(BatonTelemetry.ActivitySourceNames)
                .AddOtlpExporter(To("traces")))
            .WithMetrics(metrics => metrics
                .AddMeter(BatonTelemetry.MeterName, "Microsoft.Orleans", "Microsoft.AspNetCore.Hosting")
                .AddOtlpExporter(To("metrics")))
            .WithLogging(logs => logs.AddOtlpExporter(To("logs")), options => options.IncludeScopes = true);
        return host;
    }
}
