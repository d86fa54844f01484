using Baton.Samples;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Hosting;

namespace Baton.Client.Tests;

/// <summary>A service outside the node, joined to its cluster as an Orleans client over the loopback gateway.</summary>
public sealed class OrleansClientFixture : IAsyncLifetime
{
    private IHost? _host;

    public KestrelApiFactory Node { get; } = new();

    public IServiceProvider Services => _host!.Services;

    public async Task InitializeAsync()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.UseOrleansClient(client => client
            .UseLocalhostClustering(Node.GatewayPort, serviceId: "baton", clusterId: "baton")
            .AddBatonClusterClient());
        _host = builder.Build();
        await _host.StartAsync();
    }

    public async Task DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.StopAsync();
            _host.Dispose();
        }

        await Node.DisposeAsync();
    }
}

public sealed class ClusterWorkflowClientTests(OrleansClientFixture fixture) : WorkflowClientContract, IClassFixture<OrleansClientFixture>
{
    protected override IWorkflowClient Client { get; } = fixture.Services.GetRequiredService<IWorkflowClient>();

    protected override IWorkflowClient LongPollClient(TimeSpan interval) =>
        new ClusterWorkflowClient(fixture.Services.GetRequiredService<IClusterClient>(), new ClusterWorkflowClientOptions { LongPollInterval = interval });

    protected override IWorkflowClient NamespaceClient(string space) => fixture.Services.GetRequiredService<IWorkflowClientFactory>().ForNamespace(space);

    [Fact]
    public void AddBatonClusterClient_RegistersTheClusterClient()
    {
        Assert.IsType<ClusterWorkflowClient>(Client);
    }

    [Fact]
    public async Task TypedHandle_OverOrleans_ReadsTheHistoryWithItsEventTypes()
    {
        var sum = Client.GetWorkflow<SquareSum>("cluster-history");
        await sum.StartAsync(3);
        var result = await sum.GetResultAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(1L + 4 + 9, result);
        var history = (await sum.GetStatusAsync(includeHistory: true))!.History!;
        Assert.Equal(3, history.OfType<Baton.History.ActivityCompleted>().Count());
    }
}
