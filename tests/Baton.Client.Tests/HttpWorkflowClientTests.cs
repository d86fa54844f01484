using Baton.Samples;
using Microsoft.Extensions.DependencyInjection;

namespace Baton.Client.Tests;

public sealed class HttpWorkflowClientTests(KestrelApiFactory server) : WorkflowClientContract, IClassFixture<KestrelApiFactory>
{
    private readonly KestrelApiFactory _server = server;

    protected override IWorkflowClient Client { get; } = server.Client();

    protected override IWorkflowClient LongPollClient(TimeSpan interval) => _server.Client(longPoll: interval);

    protected override IWorkflowClient NamespaceClient(string space) => _server.Client(space: space);

    [Fact]
    public async Task AddBatonClient_FromDependencyInjection_SendsTheApiKey_AndRolesAreEnforced()
    {
        var services = new ServiceCollection();
        services.AddBatonClient(options =>
        {
            options.BaseAddress = _server.Address;
            options.ApiKey = KestrelApiFactory.ReaderKey;
        });
        using var provider = services.BuildServiceProvider();
        var reader = provider.GetRequiredService<IWorkflowClient>();

        Assert.IsType<HttpWorkflowClient>(reader);
        Assert.NotNull(await reader.ListAsync(new WorkflowQuery { PageSize = 1 }));
        var forbidden = await Assert.ThrowsAsync<BatonApiException>(() => reader.StartAsync(nameof(SquareSum), 1));
        Assert.Equal(403, forbidden.StatusCode);
        var anonymous = await Assert.ThrowsAsync<BatonApiException>(() => _server.Client(apiKey: null).ListAsync(new WorkflowQuery()));
        Assert.Equal(401, anonymous.StatusCode);
    }

    [Fact]
    public void AddBatonClient_WithoutBaseAddress_FailsWithANamedOption()
    {
        var services = new ServiceCollection();
        services.AddBatonClient(_ => { });
        using var provider = services.BuildServiceProvider();

        var error = Assert.ThrowsAny<Exception>(() => provider.GetRequiredService<IWorkflowClient>());

        Assert.Contains("BaseAddress", error.Message);
    }
}
