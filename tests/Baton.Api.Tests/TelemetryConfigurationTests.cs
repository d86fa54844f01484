using Microsoft.Extensions.DependencyInjection;

namespace Baton.Api.Tests;

/// <summary>An OTLP endpoint in the configuration turns exporting on; without one, nothing is registered.</summary>
public sealed class TelemetryConfigurationTests
{
    [Fact]
    public async Task WithAnOtlpEndpoint_TheNodeExportsTracesMetricsAndLogs_AndWithoutOne_Nothing()
    {
        await using var exporting = new OtlpApiFactory("http://127.0.0.1:4317");
        await using var quiet = new OtlpApiFactory(null);

        Assert.NotNull(exporting.Services.GetService<OpenTelemetry.Trace.TracerProvider>());
        Assert.NotNull(exporting.Services.GetService<OpenTelemetry.Metrics.MeterProvider>());
        Assert.NotNull(exporting.Services.GetService<OpenTelemetry.Logs.LoggerProvider>());
        Assert.Null(quiet.Services.GetService<OpenTelemetry.Trace.TracerProvider>());
    }

    private sealed class OtlpApiFactory(string? endpoint) : BatonApiFactory
    {
        protected override IReadOnlyDictionary<string, string> Settings { get; } =
            endpoint is null ? new Dictionary<string, string>() : new Dictionary<string, string> { [Baton.Silo.Hosting.BatonTelemetryExtensions.OtlpEndpointKey] = endpoint };
    }
}
