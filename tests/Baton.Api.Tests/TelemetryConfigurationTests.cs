using System.Collections.Concurrent;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Baton.Silo.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Baton.Api.Tests;

/// <summary>An OTLP endpoint in the configuration turns exporting on; without one, nothing is registered.</summary>
public sealed class TelemetryConfigurationTests
{
    [Fact]
    public async Task WithAnOtlpEndpoint_TheNodeExportsTracesMetricsAndLogs_AndWithoutOne_Nothing()
    {
        await using var exporting = new OtlpApiFactory(new() { [BatonTelemetryExtensions.OtlpEndpointKey] = "http://127.0.0.1:4317" });
        await using var quiet = new OtlpApiFactory([]);

        Assert.NotNull(exporting.Services.GetService<OpenTelemetry.Trace.TracerProvider>());
        Assert.NotNull(exporting.Services.GetService<OpenTelemetry.Metrics.MeterProvider>());
        Assert.NotNull(exporting.Services.GetService<OpenTelemetry.Logs.LoggerProvider>());
        Assert.Null(quiet.Services.GetService<OpenTelemetry.Trace.TracerProvider>());
    }

    [Fact]
    public async Task OverHttpProtobuf_ACollectorReceivesTheWorkflowsSpans_BatonsMetrics_AndLogs_EachOnItsSignalsPath()
    {
        await using var collector = await Collector.StartAsync();
        await using var node = new OtlpApiFactory(new()
        {
            [BatonTelemetryExtensions.OtlpEndpointKey] = collector.Root,
            [BatonTelemetryExtensions.OtlpProtocolKey] = "http/protobuf",
            // The OpenTelemetry SDK's own settings, read from configuration: export every few hundred milliseconds.
            ["OTEL_BSP_SCHEDULE_DELAY"] = "200",
            ["OTEL_BLRP_SCHEDULE_DELAY"] = "200",
            ["OTEL_METRIC_EXPORT_INTERVAL"] = "300",
        });
        var http = node.CreateClient();

        foreach (var (workflow, id, input) in new[] { ("GreetingChain", "otlp-1", (object)new[] { "Lisbon" }), ("LogsInAnActivity", "otlp-2", "a line from an activity") })
        {
            (await http.PostAsJsonAsync($"/api/workflows/{workflow}?instanceId={id}", input)).EnsureSuccessStatusCode();
            var status = await http.GetFromJsonAsync<JsonElement>($"/runtime/webhooks/durabletask/instances/{id}?waitSeconds=30");
            Assert.Equal("Completed", status.GetProperty("runtimeStatus").GetString());
        }

        // OTLP/protobuf carries names as UTF-8 strings, so what each signal exported can be read off its bytes.
        await collector.WaitUntilReceivedAsync("/v1/traces", "activity SayHello");
        await collector.WaitUntilReceivedAsync("/v1/traces", "otlp-1");
        await collector.WaitUntilReceivedAsync("/v1/metrics", BatonTelemetry.Completions);
        await collector.WaitUntilReceivedAsync("/v1/metrics", BatonTelemetry.ActivityDuration);
        // The activity's log line, with the instance id its log scope adds.
        await collector.WaitUntilReceivedAsync("/v1/logs", "a line from an activity");
        await collector.WaitUntilReceivedAsync("/v1/logs", "otlp-2");
        Assert.All(collector.Paths, path => Assert.Contains(path, new[] { "/v1/traces", "/v1/metrics", "/v1/logs" }));
    }

    [Fact]
    public void AnUnknownOtlpProtocol_StopsTheNodeWithAMessageNamingTheKey()
    {
        using var node = new OtlpApiFactory(new()
        {
            [BatonTelemetryExtensions.OtlpEndpointKey] = "http://127.0.0.1:4318",
            [BatonTelemetryExtensions.OtlpProtocolKey] = "carrier-pigeon",
        });

        var refused = Assert.ThrowsAny<Exception>(() => node.Services);
        Assert.Contains(BatonTelemetryExtensions.OtlpProtocolKey, refused.ToString());
    }

    private sealed class OtlpApiFactory(Dictionary<string, string> settings) : BatonApiFactory
    {
        protected override IReadOnlyDictionary<string, string> Settings { get; } = settings;
    }

    /// <summary>An OTLP/HTTP collector on loopback that keeps every request's path and body.</summary>
    private sealed class Collector : IAsyncDisposable
    {
        private readonly ConcurrentQueue<(string Path, byte[] Body)> _received = new();
        private WebApplication _app = null!;

        public string Root { get; private set; } = "";

        public IEnumerable<string> Paths => _received.Select(r => r.Path).Distinct();

        public static async Task<Collector> StartAsync()
        {
            var collector = new Collector();
            var port = Baton.TestingHost.LoopbackPorts.Next();
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
            collector._app = builder.Build();
            collector._app.MapPost("/{**path}", async (HttpContext context) =>
            {
                using var body = new MemoryStream();
                await context.Request.Body.CopyToAsync(body);
                collector._received.Enqueue((context.Request.Path, body.ToArray()));
                return Results.Ok();
            });
            await collector._app.StartAsync();
            collector.Root = $"http://127.0.0.1:{port}";
            return collector;
        }

        public async Task WaitUntilReceivedAsync(string path, string text)
        {
            var bytes = Encoding.UTF8.GetBytes(text);
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
            while (!_received.Any(r => r.Path == path && r.Body.AsSpan().IndexOf(bytes) >= 0))
            {
                Assert.True(DateTime.UtcNow < deadline, $"no export to {path} mentioned '{text}'; got {string.Join(", ", _received.Select(r => $"{r.Path} ({r.Body.Length} bytes)"))}");
                await Task.Delay(50);
            }
        }

        public ValueTask DisposeAsync() => _app.DisposeAsync();
    }
}
