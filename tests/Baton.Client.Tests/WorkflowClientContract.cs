using Baton.Samples;

namespace Baton.Client.Tests;

/// <summary>
/// What every <see cref="IWorkflowClient"/> a service can use must do alike: the HTTP client and the Orleans cluster
/// client each run these against a real node.
/// </summary>
public abstract class WorkflowClientContract
{
    /// <summary>The client under test, with operator rights.</summary>
    protected abstract IWorkflowClient Client { get; }

    /// <summary>A client of the same kind whose long waits are split into calls of <paramref name="interval"/>.</summary>
    protected abstract IWorkflowClient LongPollClient(TimeSpan interval);

    /// <summary>A client of the same kind that works in namespace <paramref name="space"/>.</summary>
    protected abstract IWorkflowClient NamespaceClient(string space);

    [Fact]
    public async Task ANamespaceClient_SeesOnlyItsNamespace_UnderTheSameIds_AndAnUndeclaredOneIsATypedError()
    {
        var tenant = NamespaceClient(KestrelApiFactory.Tenant);
        var id = "ns-" + Guid.NewGuid().ToString("N");
        await tenant.StartAsync(nameof(Gate), "tenant", new StartWorkflowOptions { InstanceId = id });
        await Client.StartAsync(nameof(Gate), "default", new StartWorkflowOptions { InstanceId = id });
        await tenant.RaiseEventAsync(id, "open", "t");
        Assert.Equal("tenant:t", (await tenant.WaitForCompletionAsync(id, TimeSpan.FromSeconds(30))).ReadOutput<string>());
        Assert.Equal(WorkflowRuntimeStatus.Running, (await Client.GetStatusAsync(id))!.RuntimeStatus);
        Assert.Contains(id, (await tenant.ListAsync(new WorkflowQuery { InstanceIdPrefix = "ns-" })).Items.Select(s => s.InstanceId));
        await Client.TerminateAsync(id);

        Assert.Equal(nameof(Tally), (await Assert.ThrowsAsync<WorkflowNotRegisteredException>(() => tenant.StartAsync(nameof(Tally), 1))).WorkflowName);
        await Assert.ThrowsAsync<NamespaceNotFoundException>(() => NamespaceClient("undeclared").GetStatusAsync("x"));
    }

    [Fact]
    public async Task TypedHandle_StartRaiseAndGetResult_UsesTheWorkflowsOwnTypes()
    {
        var order = Client.GetWorkflow<OrderApproval>("client-order-1");

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
    public async Task TypedHandle_FromTheContractsAlone_StartsAndReadsTheWorkflowByName()
    {
        // Only the input and output types: what a caller that references the contracts, not the workflow class, has.
        var order = Client.GetWorkflow<OrderRequest, string>("client-order-contracts", "OrderApproval");

        await order.StartAsync(new OrderRequest { CustomerEmail = "bo@example.com", Amount = 20m, Lines = [new OrderLine { Sku = "B-2", Quantity = 1 }] });
        string result = await order.GetResultAsync(TimeSpan.FromSeconds(30));

        Assert.Equal("placed 1 item(s) for bo@example.com, total 20", result);
        Assert.Equal("OrderApproval", (await order.GetStatusAsync())!.Name);
    }

    [Fact]
    public async Task WaitForCompletion_LongPollsAcrossSeveralRequests_UntilTheInstanceFinishes()
    {
        var client = LongPollClient(TimeSpan.FromSeconds(1));
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
    public async Task Start_ByDefault_ReplacesAFinishedInstance_AndRefusesALiveOne_AsDurableFunctionsDoes()
    {
        await Client.WaitForCompletionAsync(await Client.StartAsync(nameof(SquareSum), 2, new StartWorkflowOptions { InstanceId = "client-reused" }), TimeSpan.FromSeconds(30));
        Assert.Equal("client-reused", await Client.StartAsync(nameof(SquareSum), 3, new StartWorkflowOptions { InstanceId = "client-reused" }));
        Assert.Equal(14, (await Client.WaitForCompletionAsync("client-reused", TimeSpan.FromSeconds(30))).ReadOutput<int>());

        await Client.StartAsync(nameof(Gate), "first", new StartWorkflowOptions { InstanceId = "client-live" });
        var refused = await Assert.ThrowsAsync<InstanceAlreadyExistsException>(() =>
            Client.StartAsync(nameof(Gate), "second", new StartWorkflowOptions { InstanceId = "client-live" }));
        Assert.Equal("client-live", refused.InstanceId);
        Assert.Equal("\"first\"", (await Client.GetStatusAsync("client-live"))!.Input);
    }

    [Fact]
    public async Task Errors_AreTheSameTypedExceptionsAsInProcess()
    {
        await Assert.ThrowsAsync<WorkflowNotRegisteredException>(() => Client.StartAsync("NoSuchWorkflow", 1));
        var input = await Assert.ThrowsAsync<InvalidWorkflowInputException>(() => Client.StartAsync(nameof(SquareSum), "ten"));
        Assert.Equal("Int32", input.ExpectedTypeName);
        await Assert.ThrowsAsync<InvalidInstanceIdException>(() => Client.StartAsync(nameof(SquareSum), 1, new StartWorkflowOptions { InstanceId = "bad\nid" }));

        await Client.StartAsync(nameof(SquareSum), 2, new StartWorkflowOptions { InstanceId = "client-errors" });
        Assert.Equal("client-errors", await Client.StartAsync(nameof(SquareSum), 2, new StartWorkflowOptions { InstanceId = "client-errors", IfExists = InstanceIdReusePolicy.ReturnExisting }));
        var taken = await Assert.ThrowsAsync<InstanceAlreadyExistsException>(() =>
            Client.StartAsync(nameof(SquareSum), 2, new StartWorkflowOptions { InstanceId = "client-errors", IfExists = InstanceIdReusePolicy.Fail }));
        Assert.Equal("client-errors", taken.InstanceId);
        await Client.WaitForCompletionAsync("client-errors", TimeSpan.FromSeconds(30));

        var finished = await Assert.ThrowsAsync<InvalidInstanceStateException>(() => Client.RaiseEventAsync("client-errors", "x"));
        Assert.Equal(WorkflowRuntimeStatus.Completed, finished.Status);
        Assert.Equal("raise an event", finished.Operation);
        Assert.Null(await Client.GetStatusAsync("client-nobody"));
        await Assert.ThrowsAsync<InstanceNotFoundException>(() => Client.WaitForCompletionAsync("client-nobody", TimeSpan.FromSeconds(5)));
        await Assert.ThrowsAsync<InstanceNotFoundException>(() => Client.TerminateAsync("client-nobody"));
        await Assert.ThrowsAsync<InvalidCallbackTokenException>(() => Client.CompleteCallbackAsync("forged"));
        await Assert.ThrowsAsync<ArgumentException>(() => Client.ListAsync(new WorkflowQuery { PageSize = 0 }));
    }

    [Fact]
    public async Task Start_WithAnInputThatBreaksItsAnnotations_ListsEveryFieldError_AndCreatesNothing()
    {
        var order = new OrderRequest { CustomerEmail = "not-an-email", Amount = 0m, Lines = [new OrderLine { Sku = "A-1", Quantity = 0 }] };

        var refused = await Assert.ThrowsAsync<InvalidWorkflowInputException>(() =>
            Client.StartAsync(nameof(OrderApproval), order, new StartWorkflowOptions { InstanceId = "client-invalid-order" }));

        Assert.Equal(["amount", "customerEmail", "lines[0].quantity"], refused.Errors.Keys.Order());
        Assert.Null(await Client.GetStatusAsync("client-invalid-order"));
        var missing = await Assert.ThrowsAsync<InvalidWorkflowInputException>(() => Client.StartAsync(nameof(OrderApproval)));
        Assert.Contains("missing", missing.Reason);
    }

    [Fact]
    public async Task History_ReadInPages_IsTheWholeHistoryInOrder()
    {
        await Client.StartAsync(nameof(SquareSum), 30, new StartWorkflowOptions { InstanceId = "client-history" });
        await Client.WaitForCompletionAsync("client-history", TimeSpan.FromSeconds(30));
        var whole = (await Client.GetStatusAsync("client-history", includeHistory: true))!.History!;

        var paged = new List<Baton.History.HistoryEvent>();
        string? token = null;
        var pages = 0;
        do
        {
            var page = await Client.GetHistoryAsync("client-history", token, pageSize: 7);
            Assert.True(page.Events.Count is > 0 and <= 7);
            paged.AddRange(page.Events);
            token = page.ContinuationToken;
            pages++;
        }
        while (token is not null);

        Assert.True(whole.Count > 60, $"the history has only {whole.Count} events");
        Assert.Equal((whole.Count + 6) / 7, pages);
        Assert.Equal(whole.Select(e => e.GetType()), paged.Select(e => e.GetType()));
        Assert.IsType<Baton.History.WorkflowCompleted>(paged[^1]);
        await Assert.ThrowsAsync<InstanceNotFoundException>(() => Client.GetHistoryAsync("client-nobody"));
        await Assert.ThrowsAsync<ArgumentException>(() => Client.GetHistoryAsync("client-history", pageSize: 0));
        await Assert.ThrowsAsync<ArgumentException>(() => Client.GetHistoryAsync("client-history", continuationToken: "not-a-token"));
    }

    [Fact]
    public async Task TypedHandle_FailedWorkflow_ThrowsWorkflowFailedException()
    {
        var handle = Client.GetWorkflow<Explodes>("client-explodes");
        await handle.StartAsync("kaboom");

        var failure = await Assert.ThrowsAsync<WorkflowFailedException>(() => handle.GetResultAsync(TimeSpan.FromSeconds(30)));

        Assert.Equal(WorkflowRuntimeStatus.Failed, failure.Status);
        Assert.Contains("kaboom", failure.Failure!.Message);

        // Every client reads a failed instance alike: no output, the failure in Failure (HTTP carries the message as output).
        var status = (await Client.GetStatusAsync("client-explodes"))!;
        Assert.Null(status.Output);
        Assert.Contains("kaboom", status.Failure!.Message);
    }

    [Fact]
    public async Task ListCountAndPurge_PageThroughFiltersAndDeleteFinished()
    {
        for (var i = 0; i < 5; i++)
        {
            await Client.StartAsync(nameof(SquareSum), 1, new StartWorkflowOptions { InstanceId = $"client-list-{i}" });
            await Client.WaitForCompletionAsync($"client-list-{i}", TimeSpan.FromSeconds(30));
        }

        var ids = new List<string>();
        var query = new WorkflowQuery { InstanceIdPrefix = "client-list-", Statuses = [WorkflowRuntimeStatus.Completed], PageSize = 2 };
        do
        {
            var page = await Client.ListAsync(query);
            ids.AddRange(page.Items.Select(s => s.InstanceId));
            query = query with { ContinuationToken = page.ContinuationToken };
        }
        while (query.ContinuationToken is not null);

        Assert.Equal(Enumerable.Range(0, 5).Select(i => $"client-list-{i}").Reverse(), ids); // newest first
        var oldestFirst = new List<string>();
        query = query with { OldestFirst = true, ContinuationToken = null };
        do
        {
            var page = await Client.ListAsync(query);
            oldestFirst.AddRange(page.Items.Select(s => s.InstanceId));
            query = query with { ContinuationToken = page.ContinuationToken };
        }
        while (query.ContinuationToken is not null);

        Assert.Equal(Enumerable.Range(0, 5).Select(i => $"client-list-{i}"), oldestFirst);
        var counts = await Client.CountByStatusAsync(new WorkflowQuery { InstanceIdPrefix = "client-list-" });
        Assert.Equal(5, counts[WorkflowRuntimeStatus.Completed]);

        await Client.PurgeAsync("client-list-0");
        Assert.Equal(4, await Client.PurgeAsync(new PurgeQuery { InstanceIdPrefix = "client-list-" }));
        Assert.Empty((await Client.ListAsync(new WorkflowQuery { InstanceIdPrefix = "client-list-" })).Items);
    }

    [Fact]
    public async Task Controls_SuspendResumeTerminateRestart()
    {
        var id = await Client.StartAsync(nameof(Gate), "c", new StartWorkflowOptions { InstanceId = "client-controls" });
        await WaitUntilAsync(async () => (await Client.GetStatusAsync(id))?.RuntimeStatus == WorkflowRuntimeStatus.Running);

        await Client.SuspendAsync(id, "pause");
        await WaitUntilAsync(async () => (await Client.GetStatusAsync(id))?.RuntimeStatus == WorkflowRuntimeStatus.Suspended);
        await Client.SuspendAsync(id); // already suspended: nothing changes, as in Durable Functions
        await Client.ResumeAsync(id);
        await Client.TerminateAsync(id, "enough");

        var terminated = await Client.WaitForCompletionAsync(id, TimeSpan.FromSeconds(30));
        Assert.Equal(WorkflowRuntimeStatus.Terminated, terminated.RuntimeStatus);
        Assert.Equal("enough", terminated.StatusReason);
        await Assert.ThrowsAsync<InvalidInstanceStateException>(() => Client.RewindAsync(id));

        var copy = await Client.RestartAsync(id, newInstanceId: true);
        Assert.NotEqual(id, copy);
        Assert.Equal(WorkflowRuntimeStatus.Running, (await WaitForStatusAsync(copy, WorkflowRuntimeStatus.Running)).RuntimeStatus);
        await Client.TerminateAsync(copy);
    }

    private async Task<WorkflowStatus> WaitForStatusAsync(string id, WorkflowRuntimeStatus expected)
    {
        WorkflowStatus? status = null;
        await WaitUntilAsync(async () => (status = await Client.GetStatusAsync(id))?.RuntimeStatus == expected);
        return status!;
    }

    [Fact]
    public async Task Queries_ReadTheLiveStateAndTheFinalOne_WithoutChangingTheHistory_AndBadOnesAreTyped()
    {
        var id = await Client.StartAsync(nameof(Tally), 5, new StartWorkflowOptions { InstanceId = "client-tally" });
        await WaitUntilAsync(async () => (await Client.GetStatusAsync(id, includeHistory: true))!.History!.OfType<Baton.History.EventWaitStarted>().Any());
        Assert.Equal(0, await Client.QueryAsync<int>(id, "total"));

        await Client.RaiseEventAsync(id, "add", 2);
        await WaitUntilAsync(async () => await Client.QueryAsync<int>(id, "TOTAL") == 2); // names are case-insensitive
        Assert.Equal(new TallyState(2, "adding"), await Client.QueryAsync<TallyState>(id, "state"));
        var before = (await Client.GetStatusAsync(id, includeHistory: true))!.History!.Count;
        for (var i = 0; i < 3; i++)
        {
            await Client.QueryAsync(id, "state");
        }

        Assert.Equal(before, (await Client.GetStatusAsync(id, includeHistory: true))!.History!.Count);
        var unknown = await Assert.ThrowsAsync<QueryNotFoundException>(() => Client.QueryAsync(id, "average"));
        Assert.Equal(("client-tally", "average", "broken, state, total"), (unknown.InstanceId, unknown.QueryName, unknown.Declared));
        var failed = await Assert.ThrowsAsync<QueryFailedException>(() => Client.QueryAsync(id, "broken"));
        Assert.Contains("this query always fails", failed.Reason);
        await Assert.ThrowsAsync<InstanceNotFoundException>(() => Client.QueryAsync("client-no-such-tally", "total"));

        await Client.RaiseEventAsync(id, "add", 3);
        await Client.WaitForCompletionAsync(id, TimeSpan.FromSeconds(30));
        Assert.Equal(new TallyState(5, "done"), await Client.QueryAsync<TallyState>(id, "state"));
    }

    [Fact]
    public async Task Updates_AreValidatedRecordedAndAnswered_OncePerId_AndBadOnesAreTypedAndRecordNothing()
    {
        var id = await Client.StartAsync(nameof(Cart), "ann", new StartWorkflowOptions { InstanceId = "client-cart" });
        await WaitUntilAsync(async () => (await Client.GetStatusAsync(id, includeHistory: true))!.History!.OfType<Baton.History.EventWaitStarted>().Any());

        Assert.Equal(1, await Client.UpdateAsync<int>(id, "add", "apple"));
        Assert.Equal(2, await Client.UpdateAsync<int>(id, "ADD", "pear")); // names are case-insensitive
        var kiwi = new UpdateOptions { UpdateId = "add-kiwi" };
        Assert.Equal(3, await Client.UpdateAsync<int>(id, "add", "kiwi", kiwi));
        Assert.Equal(3, await Client.UpdateAsync<int>(id, "add", "kiwi", kiwi)); // the same update, answered again, not run again
        Assert.Equal(["APPLE", "PEAR", "KIWI"], await Client.QueryAsync<List<string>>(id, "items"));

        var before = (await Client.GetStatusAsync(id, includeHistory: true))!.History!.Count;
        var empty = await Assert.ThrowsAsync<UpdateRejectedException>(() => Client.UpdateAsync(id, "add", " "));
        Assert.Equal(("client-cart", "add", "the sku is empty"), (empty.InstanceId, empty.UpdateName, empty.Reason));
        var mistyped = await Assert.ThrowsAsync<UpdateRejectedException>(() => Client.UpdateAsync(id, "add", 42));
        Assert.Contains("String", mistyped.Reason);
        var unknown = await Assert.ThrowsAsync<UpdateNotFoundException>(() => Client.UpdateAsync(id, "remove", "pear"));
        Assert.Equal("add, fail", unknown.Declared);
        await Assert.ThrowsAsync<InstanceNotFoundException>(() => Client.UpdateAsync("client-no-such-cart", "add", "x"));
        Assert.Equal(before, (await Client.GetStatusAsync(id, includeHistory: true))!.History!.Count);

        var failed = await Assert.ThrowsAsync<UpdateFailedException>(() => Client.UpdateAsync(id, "fail", 7));
        Assert.Contains("handler failure 7", failed.Failure.Message);
        Assert.Equal(WorkflowRuntimeStatus.Running, (await Client.GetStatusAsync(id))!.RuntimeStatus);

        await Client.RaiseEventAsync(id, "checkout", true);
        var done = await Client.WaitForCompletionAsync(id, TimeSpan.FromSeconds(30));
        Assert.Equal(["APPLE", "PEAR", "KIWI"], done.ReadOutput<List<string>>());
        var late = await Assert.ThrowsAsync<InvalidInstanceStateException>(() => Client.UpdateAsync(id, "add", "plum"));
        Assert.Equal(WorkflowRuntimeStatus.Completed, late.Status);
        Assert.Equal(3, await Client.UpdateAsync<int>(id, "add", "kiwi", kiwi)); // answered from the finished instance's history

        var history = (await Client.GetStatusAsync(id, includeHistory: true))!.History!;
        Assert.Equal(4, history.OfType<Baton.History.UpdateAccepted>().Count());
        Assert.Single(history.OfType<Baton.History.UpdateAccepted>(), u => u.UpdateId == "add-kiwi");
        Assert.Equal(3, history.OfType<Baton.History.UpdateCompleted>().Count());
        Assert.Single(history.OfType<Baton.History.UpdateFailed>());
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
