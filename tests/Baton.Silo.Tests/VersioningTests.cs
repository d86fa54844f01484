namespace Baton.Silo.Tests;

public sealed class VersioningTests
{
    [Fact]
    public async Task RunningInstances_KeepTheirVersion_NewOnesGetTheNewest_AndAMissingVersionIsReportedNotFailed()
    {
        var path = TestSilo.NewDatabasePath();
        string old;
        await using (var v1Host = await TestSilo.StartAsync(path, register: b => b.AddWorkflow<OrderV1>("Order", 1)))
        {
            old = await v1Host.Client.StartAsync("Order");
            await Eventually.WaitUntil(async () => (await v1Host.Client.GetStatusAsync(old))!.RuntimeStatus == WorkflowRuntimeStatus.Running);
        }

        string newer;
        await using (var v2Host = await TestSilo.StartAsync(path, register: b => b.AddWorkflow<OrderV2>("Order", 2)))
        {
            await v2Host.Client.RaiseEventAsync(old, "go", "first");
            var stalled = await WaitForStatus(v2Host, old, WorkflowRuntimeStatus.Stalled);
            Assert.Contains("Version 1 of workflow 'Order' is not registered", stalled.StatusReason, StringComparison.Ordinal);

            newer = await v2Host.Client.StartAsync("Order");
            await v2Host.Client.RaiseEventAsync(newer, "go", "second");
            var done = await v2Host.Client.WaitForCompletionAsync(newer, Eventually.Timeout);
            Assert.Equal((2, "v2 after echo: second"), (done.Version, done.ReadOutput<string>()));
        }

        await using var bothHost = await TestSilo.StartAsync(path, register: b => b.AddWorkflow<OrderV1>("Order", 1).AddWorkflow<OrderV2>("Order", 2));
        var resumed = await bothHost.Client.WaitForCompletionAsync(old, Eventually.Timeout);
        Assert.Equal((1, "v1: first", (string?)null), (resumed.Version, resumed.ReadOutput<string>(), resumed.StatusReason));
    }

    private static async Task<WorkflowStatus> WaitForStatus(TestSilo silo, string id, WorkflowRuntimeStatus expected)
    {
        WorkflowStatus? status = null;
        await Eventually.WaitUntil(async () => (status = await silo.Client.GetStatusAsync(id))!.RuntimeStatus == expected);
        return status!;
    }
}

public sealed class OrderV1 : Workflow<string?, string>
{
    public override async Task<string> RunAsync(IWorkflowContext context, string? input) =>
        "v1: " + await context.WaitForEventAsync<string>("go");
}

public sealed class OrderV2 : Workflow<string?, string>
{
    public override async Task<string> RunAsync(IWorkflowContext context, string? input)
    {
        var echo = await context.CallActivityAsync<string>(nameof(Echo), "echo");
        return $"v2 after {echo}: " + await context.WaitForEventAsync<string>("go");
    }
}
