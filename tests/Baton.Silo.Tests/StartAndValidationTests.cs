using Baton.Samples;
using Microsoft.Data.Sqlite;

namespace Baton.Silo.Tests;

public sealed class StartAndValidationTests
{
    [Fact]
    public async Task Start_SameIdTwice_WithReturnExisting_ReturnsExistingAndRunsOnce()
    {
        await using var silo = await TestSilo.StartAsync();
        var options = new StartWorkflowOptions { InstanceId = "order-42", IfExists = InstanceIdReusePolicy.ReturnExisting };

        var first = await silo.Client.StartAsync(nameof(GreetingChain), new[] { "A" }, options);
        var second = await silo.Client.StartAsync(nameof(GreetingChain), new[] { "B" }, options);
        await silo.Client.WaitForCompletionAsync(first, Eventually.Timeout);
        var third = await silo.Client.StartAsync(nameof(GreetingChain), new[] { "C" }, options);

        Assert.Equal("order-42", first);
        Assert.Equal(first, second);
        Assert.Equal(first, third);
        var status = (await silo.Client.GetStatusAsync(first, includeHistory: true))!;
        Assert.Equal("Hello, A!", status.ReadOutput<string>());
        Assert.Single(status.History!, e => e is History.WorkflowStarted);
        Assert.Single((await silo.Client.ListAsync(new WorkflowQuery())).Items);
    }

    [Fact]
    public async Task Start_ConcurrentSameId_CreatesOneInstance()
    {
        await using var silo = await TestSilo.StartAsync();
        var options = new StartWorkflowOptions { InstanceId = "concurrent", IfExists = InstanceIdReusePolicy.ReturnExisting };

        var ids = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => silo.Client.StartAsync(nameof(GreetingChain), new[] { $"{i}" }, options)));

        Assert.All(ids, id => Assert.Equal("concurrent", id));
        var status = await silo.Client.WaitForCompletionAsync("concurrent", Eventually.Timeout);
        Assert.Single((await silo.Client.GetStatusAsync("concurrent", true))!.History!, e => e is History.WorkflowStarted);
        Assert.Equal(WorkflowRuntimeStatus.Completed, status.RuntimeStatus);
    }

    [Fact]
    public async Task Start_ByDefault_ReplacesAFinishedInstance_AndRefusesALiveOne()
    {
        await using var silo = await TestSilo.StartAsync();
        await silo.Client.WaitForCompletionAsync(await silo.Client.StartAsync(nameof(GreetingChain), new[] { "A" }, new() { InstanceId = "reused" }), Eventually.Timeout);

        // Finished: as in Durable Functions, the start replaces it under the same id and runs the new input.
        Assert.Equal("reused", await silo.Client.StartAsync(nameof(ApprovalWorkflow), 3600, new() { InstanceId = "reused" }));
        await Eventually.WaitUntil(async () => (await silo.Client.GetStatusAsync("reused", includeHistory: true))!.History!.OfType<History.EventWaitStarted>().Any());
        var replaced = (await silo.Client.GetStatusAsync("reused", includeHistory: true))!;
        Assert.Equal((nameof(ApprovalWorkflow), WorkflowRuntimeStatus.Running, "3600"), (replaced.Name, replaced.RuntimeStatus, replaced.Input));
        Assert.Single(replaced.History!, e => e is History.WorkflowStarted);

        // Live: refused, and nothing about it changes.
        var refused = await Assert.ThrowsAsync<InstanceAlreadyExistsException>(() =>
            silo.Client.StartAsync(nameof(GreetingChain), new[] { "B" }, new() { InstanceId = "reused" }));
        Assert.Equal("reused", refused.InstanceId);
        var unchanged = (await silo.Client.GetStatusAsync("reused", includeHistory: true))!;
        Assert.Equal((replaced.Name, replaced.Input, replaced.History!.Count), (unchanged.Name, unchanged.Input, unchanged.History!.Count));

        await silo.Client.RaiseEventAsync("reused", "approval", "ann");
        Assert.Equal("approved by ann", (await silo.Client.WaitForCompletionAsync("reused", Eventually.Timeout)).ReadOutput<string>());
    }

    [Fact]
    public async Task Start_ExistingIdWithFailPolicy_ThrowsAlreadyExists()
    {
        await using var silo = await TestSilo.StartAsync();
        await silo.Client.StartAsync(nameof(GreetingChain), new[] { "A" }, new() { InstanceId = "taken" });

        var ex = await Assert.ThrowsAsync<InstanceAlreadyExistsException>(() =>
            silo.Client.StartAsync(nameof(GreetingChain), new[] { "B" }, new() { InstanceId = "taken", IfExists = InstanceIdReusePolicy.Fail }));

        Assert.Equal("taken", ex.InstanceId);
    }

    [Fact]
    public async Task Start_WithoutId_GeneratesDistinctIds()
    {
        await using var silo = await TestSilo.StartAsync();

        var a = await silo.Client.StartAsync(nameof(GreetingChain), new[] { "A" });
        var b = await silo.Client.StartAsync(nameof(GreetingChain), new[] { "B" });

        Assert.NotEqual(a, b);
        Assert.Equal(32, a.Length);
    }

    [Fact]
    public async Task Start_UnknownWorkflow_ThrowsAndWritesNothing()
    {
        await using var silo = await TestSilo.StartAsync();

        var ex = await Assert.ThrowsAsync<WorkflowNotRegisteredException>(() => silo.Client.StartAsync("NoSuchWorkflow", 1));

        Assert.Equal("NoSuchWorkflow", ex.WorkflowName);
        await AssertNothingWritten(silo);
    }

    [Fact]
    public async Task Start_InputOfWrongType_ThrowsAndWritesNothing()
    {
        await using var silo = await TestSilo.StartAsync();

        var ex = await Assert.ThrowsAsync<InvalidWorkflowInputException>(() => silo.Client.StartAsync(nameof(SquareSum), "not a number"));

        Assert.Equal(typeof(int), ex.ExpectedType);
        Assert.Contains(nameof(SquareSum), ex.Message);
        await AssertNothingWritten(silo);
    }

    [Fact]
    public async Task Start_FieldsOfWrongTypes_ThrowsListingEachByPath_AndWritesNothing()
    {
        await using var silo = await TestSilo.StartAsync();

        var ex = await Assert.ThrowsAsync<InvalidWorkflowInputException>(() => silo.Client.StartAsync(
            nameof(OrderApproval), new { customerEmail = 5, amount = "lots", lines = new object[] { new { sku = "A", quantity = true }, 7 } }));

        Assert.Equal(typeof(OrderRequest), ex.ExpectedType);
        Assert.Equal(["amount", "customerEmail", "lines[0].quantity", "lines[1]"], ex.Errors.Keys.Order());
        Assert.Equal(["must be a number, not true or false."], ex.Errors["lines[0].quantity"]);
        await AssertNothingWritten(silo);
    }

    [Fact]
    public async Task Start_NullItemInAListInputOfNonNullableItems_ThrowsAndWritesNothing()
    {
        await using var silo = await TestSilo.StartAsync();

        var ex = await Assert.ThrowsAsync<InvalidWorkflowInputException>(() => silo.Client.StartAsync(nameof(GreetingChain), new[] { "Oslo", null }));

        Assert.Equal(["[1]"], ex.Errors.Keys);
        await AssertNothingWritten(silo);
    }

    [Theory]
    [InlineData("")]
    [InlineData("line\nbreak")]
    [InlineData("tab\there")]
    [InlineData("nul\0")]
    [InlineData("a/b")]
    [InlineData("a\\b")]
    [InlineData("a#b")]
    [InlineData("a?b")]
    [InlineData("zero\u200Bwidth")]
    [InlineData("rtl\u202Eoverride")]
    [InlineData("line\u2028separator")]
    public async Task Start_InvalidId_ThrowsAndWritesNothing(string id)
    {
        await using var silo = await TestSilo.StartAsync();

        await Assert.ThrowsAsync<InvalidInstanceIdException>(() => silo.Client.StartAsync(nameof(GreetingChain), new[] { "A" }, new() { InstanceId = id }));

        await AssertNothingWritten(silo);
    }

    [Fact]
    public async Task Start_IdLongerThan256_ThrowsAndWritesNothing()
    {
        await using var silo = await TestSilo.StartAsync();

        var ex = await Assert.ThrowsAsync<InvalidInstanceIdException>(() =>
            silo.Client.StartAsync(nameof(GreetingChain), new[] { "A" }, new() { InstanceId = new string('x', 257) }));

        Assert.Contains("257", ex.Message);
        await AssertNothingWritten(silo);
        Assert.Equal(new string('y', 256), await silo.Client.StartAsync(nameof(GreetingChain), new[] { "A" }, new() { InstanceId = new string('y', 256) }));
    }

    [Fact]
    public async Task WaitForCompletion_UnknownInstance_ThrowsNotFound()
    {
        await using var silo = await TestSilo.StartAsync();

        await Assert.ThrowsAsync<InstanceNotFoundException>(() => silo.Client.WaitForCompletionAsync("nobody", TimeSpan.FromSeconds(5)));
        Assert.Null(await silo.Client.GetStatusAsync("nobody"));
    }

    [Fact]
    public async Task WaitForCompletion_NotFinishedInTime_ThrowsTimeout()
    {
        await using var silo = await TestSilo.StartAsync();
        var id = await silo.Client.StartAsync(nameof(Reminder), new ReminderRequest("later", 3600));

        await Assert.ThrowsAsync<TimeoutException>(() => silo.Client.WaitForCompletionAsync(id, TimeSpan.FromMilliseconds(300)));
    }

    private static async Task AssertNothingWritten(TestSilo silo)
    {
        Assert.Empty((await silo.Client.ListAsync(new WorkflowQuery())).Items);
        await using var connection = new SqliteConnection($"Data Source={silo.DatabasePath};Mode=ReadOnly;Pooling=False");
        await connection.OpenAsync();
        foreach (var table in new[] { "instances", "history", "messages", "work_items" })
        {
            await using var command = connection.CreateCommand();
            command.CommandText = $"SELECT count(*) FROM {table}";
            Assert.Equal(0L, (long)(await command.ExecuteScalarAsync())!);
        }
    }
}
