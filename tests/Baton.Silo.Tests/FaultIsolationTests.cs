using Baton.Samples;

namespace Baton.Silo.Tests;

public sealed class FaultIsolationTests
{
    [Fact]
    public async Task WrongTypedEvents_DuringManyStarts_FailOnlyTheirInstance_AndStallNoOther()
    {
        await using var silo = await TestSilo.StartAsync();
        var order = new OrderRequest { CustomerEmail = "ann@example.com", Amount = 2500m, Lines = [new OrderLine { Sku = "A-1", Quantity = 1 }] };
        var target = await silo.Client.StartAsync(nameof(OrderApproval), order);
        await Eventually.WaitUntil(async () => (await silo.Client.GetStatusAsync(target))!.RuntimeStatus == WorkflowRuntimeStatus.Running);

        // 300 starts of another workflow, with 16 wrong-typed approvals raised among them, as a new user once tried.
        var starts = Enumerable.Range(0, 300).Select(i => silo.Client.StartAsync(nameof(GreetingChain), new[] { $"n{i}" })).ToList();
        var raises = Enumerable.Range(0, 16).Select(async i =>
        {
            try
            {
                await silo.Client.RaiseEventAsync(target, "approval", $"not a decision {i}");
            }
            catch (InvalidInstanceStateException)
            {
                // The first wrong approval failed the instance; later ones are refused, as for any finished instance.
            }
        }).ToList();
        var ids = await Task.WhenAll(starts);
        await Task.WhenAll(raises);

        var others = await Task.WhenAll(ids.Select(id => silo.Client.WaitForCompletionAsync(id, Eventually.Timeout)));
        Assert.All(others, s => Assert.Equal(WorkflowRuntimeStatus.Completed, s.RuntimeStatus));

        var failed = await silo.Client.WaitForCompletionAsync(target, Eventually.Timeout);
        Assert.Equal(WorkflowRuntimeStatus.Failed, failed.RuntimeStatus);
        Assert.Equal(typeof(PayloadDeserializationException).FullName, failed.Failure!.ErrorType);
        Assert.Contains("event 'approval'", failed.Failure.Message);
        Assert.Contains(nameof(ApprovalDecision), failed.Failure.Message);
    }

    [Fact]
    public async Task WrongTypedEvent_IsATypedExceptionTheWorkflowCanCatch()
    {
        await using var silo = await TestSilo.StartAsync();
        var id = await silo.Client.StartAsync(nameof(TypedEventWorkflow));

        await silo.Client.RaiseEventAsync(id, "count", "seven");
        await silo.Client.RaiseEventAsync(id, "count", new { count = 7 });
        await silo.Client.RaiseEventAsync(id, "count", 7);
        var status = await silo.Client.WaitForCompletionAsync(id, Eventually.Timeout);

        Assert.Equal("7 after 2 refused", status.ReadOutput<string>());
    }
}
