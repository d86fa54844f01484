using Baton.Samples;
using Microsoft.Extensions.DependencyInjection;

namespace Baton.Client.Tests;

public sealed class HttpWorkflowClientTests : IClassFixture<KestrelApiFactory>
{
    private readonly KestrelApiFactory _server;
    private readonly HttpWorkflowClient _client;

    public HttpWorkflowClientTests(KestrelApiFactory server)
    {
        _server = server;
        _client = server.Client();
    }

    [Fact]
    public async Task TypedHandle_StartRaiseAndGetResult_UsesTheWorkflowsOwnTypes()
    {
        var order = _client.GetWorkflow<OrderApproval>("client-order-1");

        await order.StartAsync(new OrderRequest { CustomerEmail = "ann@example.com", Amount = 2500m, Lines = [new OrderLine { Sku = "A-1", Quantity = 3 }] });
        await WaitUntilAsync(async () => (await order.GetStatusAsync())?.ReadCustomStatus<string>() == "awaiting-approval");
        await order.RaiseEventAsync("approval", new ApprovalDecision(true, "bob"));
        string result = await order.GetResultAsync(TimeSpan.FromSeconds(30));

        Assert.Equal("placed 3 item(s) for ann@example.com, total 2500", result);
        var status = await order.GetStatusAsync(includeHistory: true);
        Assert.Equal(WorkflowRuntimeStatus.Completed, status!.RuntimeStatus);
        Assert.Equal("approved", status.ReadCustomStatus<string>());
        Assert.Contains(status.History!, e => e is Baton.History.EventRaised);
        Assert.Equal(2500m, Baton.Serialization.BatonJson.Deserialize<OrderRequest>(status.Input)!.Amount);
    }

    [Fact]
    public async Task WaitForCompletion_LongPollsAcrossSeveralRequests_UntilTheInstanceFinishes()
    {
        var client = _server.Client(longPoll: TimeSpan.FromSeconds(1));
        await client.StartAsync(nameof(Gate), "g", new StartWorkflowOptions { InstanceId = "client-longpoll" });
        var waiting = client.WaitForCompletionAsync("client-longpoll", TimeSpan.FromSeconds(60));

        await Assert.ThrowsAsync<TimeoutException>(() => client.WaitForCompletionAsync("client-longpoll", TimeSpan.FromSeconds(1.5)));
        Assert.False(waiting.IsCompleted);
        await client.RaiseEventAsync("client-longpoll", "open", "now");

        var status = await waiting;
        Assert.Equal(WorkflowRuntimeStatus.Completed, status.RuntimeStatus);
        Assert.Equal("g:now", status.ReadOutput<string>());
    }

    [Fact]
    public async Task Errors_AreTheSameTypedExceptionsAsInProcess()
    {
        await Assert.ThrowsAsync<WorkflowNotRegisteredException>(() => _client.StartAsync("NoSuchWorkflow", 1));
        var input = await Assert.ThrowsAsync<InvalidWorkflowInputException>(() => _client.StartAsync(nameof(SquareSum), "ten"));
        Assert.Equal("Int32", input.ExpectedTypeName);
        await Assert.ThrowsAsync<InvalidInstanceIdException>(() => _client.StartAsync(nameof(SquareSum), 1, new StartWorkflowOptions { InstanceId = "bad\nid" }));

        await _client.StartAsync(nameof(SquareSum), 2, new StartWorkflowOptions { InstanceId = "client-errors" });
        Assert.Equal("client-errors", await _client.StartAsync(nameof(SquareSum), 2, new StartWorkflowOptions { InstanceId = "client-errors" }));
        var taken = await Assert.ThrowsAsync<InstanceAlreadyExistsException>(() =>
            _client.StartAsync(nameof(SquareSum), 2, new StartWorkflowOptions { InstanceId = "client-errors", IfExists = InstanceIdReusePolicy.Fail }));
        Assert.Equal("client-errors", taken.InstanceId);
        await _client.WaitForCompletionAsync("client-errors", TimeSpan.FromSeconds(30));

        var finished = await Assert.ThrowsAsync<InvalidInstanceStateException>(() => _client.RaiseEventAsync("client-errors", "x"));
        Assert.Equal(WorkflowRuntimeStatus.Completed, finished.Status);
        Assert.Equal("raise an event", finished.Operation);
        Assert.Null(await _client.GetStatusAsync("client-nobody"));
        await Assert.ThrowsAsync<InstanceNotFoundException>(() => _client.WaitForCompletionAsync("client-nobody", TimeSpan.FromSeconds(5)));
        await Assert.ThrowsAsync<InstanceNotFoundException>(() => _client.TerminateAsync("client-nobody"));
        await Assert.ThrowsAsync<InvalidCallbackTokenException>(() => _client.CompleteCallbackAsync("forged"));
        await Assert.ThrowsAsync<ArgumentException>(() => _client.ListAsync(new WorkflowQuery { PageSize = 0 }));
    }

    [Fact]
    public async Task TypedHandle_FailedWorkflow_ThrowsWorkflowFailedException()
    {
        var handle = _client.GetWorkflow<Explodes>("client-explodes");
        await handle.StartAsync("kaboom");

        var failure = await Assert.ThrowsAsync<WorkflowFailedException>(() => handle.GetResultAsync(TimeSpan.FromSeconds(30)));

        Assert.Equal(WorkflowRuntimeStatus.Failed, failure.Status);
        Assert.Contains("kaboom", failure.Failure!.Message);
    }

    [Fact]
    public async Task ListCountAndPurge_PageThroughFiltersAndDeleteFinished()
    {
        for (var i = 0; i < 5; i++)
        {
            await _client.StartAsync(nameof(SquareSum), 1, new StartWorkflowOptions { InstanceId = $"client-list-{i}" });
            await _client.WaitForCompletionAsync($"client-list-{i}", TimeSpan.FromSeconds(30));
        }

        var ids = new List<string>();
        var query = new WorkflowQuery { InstanceIdPrefix = "client-list-", Statuses = [WorkflowRuntimeStatus.Completed], PageSize = 2 };
        do
        {
            var page = await _client.ListAsync(query);
            ids.AddRange(page.Items.Select(s => s.InstanceId));
            query = query with { ContinuationToken = page.ContinuationToken };
        }
        while (query.ContinuationToken is not null);

        Assert.Equal(Enumerable.Range(0, 5).Select(i => $"client-list-{i}").Order(), ids.Order());
        var counts = await _client.CountByStatusAsync(new WorkflowQuery { InstanceIdPrefix = "client-list-" });
        Assert.Equal(5, counts[WorkflowRuntimeStatus.Completed]);

        await _client.PurgeAsync("client-list-0");
        Assert.Equal(4, await _client.PurgeAsync(new PurgeQuery { InstanceIdPrefix = "client-list-" }));
        Assert.Empty((await _client.ListAsync(new WorkflowQuery { InstanceIdPrefix = "client-list-" })).Items);
    }

    [Fact]
    public async Task Controls_SuspendResumeTerminateRestart_OverHttp()
    {
        var id = await _client.StartAsync(nameof(Gate), "c", new StartWorkflowOptions { InstanceId = "client-controls" });
        await WaitUntilAsync(async () => (await _client.GetStatusAsync(id))?.RuntimeStatus == WorkflowRuntimeStatus.Running);

        await _client.SuspendAsync(id, "pause");
        await WaitUntilAsync(async () => (await _client.GetStatusAsync(id))?.RuntimeStatus == WorkflowRuntimeStatus.Suspended);
        await Assert.ThrowsAsync<InvalidInstanceStateException>(() => _client.SuspendAsync(id));
        await _client.ResumeAsync(id);
        await _client.TerminateAsync(id, "enough");

        var terminated = await _client.WaitForCompletionAsync(id, TimeSpan.FromSeconds(30));
        Assert.Equal(WorkflowRuntimeStatus.Terminated, terminated.RuntimeStatus);
        Assert.Equal("enough", terminated.StatusReason);
        await Assert.ThrowsAsync<InvalidInstanceStateException>(() => _client.RewindAsync(id));

        var copy = await _client.RestartAsync(id, newInstanceId: true);
        Assert.NotEqual(id, copy);
        Assert.Equal(WorkflowRuntimeStatus.Running, (await WaitForStatusAsync(copy, WorkflowRuntimeStatus.Running)).RuntimeStatus);
        await _client.TerminateAsync(copy);
    }

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

    private async Task<WorkflowStatus> WaitForStatusAsync(string id, WorkflowRuntimeStatus expected)
    {
        WorkflowStatus? status = null;
        await WaitUntilAsync(async () => (status = await _client.GetStatusAsync(id))?.RuntimeStatus == expected);
        return status!;
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "The condition was not met in time.");
            await Task.Delay(20);
        }
    }
}
