using Baton.History;

namespace Baton.Silo.Tests;

/// <summary>Updates against a silo's own client: handlers that wait, a run that ends under them, a suspended instance, a restart.</summary>
public sealed class UpdateTests
{
    [Fact]
    public async Task AHandlerThatWaits_IsAnsweredWhenItReturns_AcrossARestart()
    {
        var path = TestSilo.NewDatabasePath();
        const string id = "update-held";
        using var firstCaller = new CancellationTokenSource();
        await using (var first = await TestSilo.StartAsync(path))
        {
            await first.Client.StartAsync(nameof(GatedUpdateWorkflow), "in", new StartWorkflowOptions { InstanceId = id });
            var pending = first.Client.UpdateAsync(id, "hold", "a", new UpdateOptions { UpdateId = "hold-a" }, firstCaller.Token);
            await Eventually.WaitUntil(async () => (await first.Client.GetStatusAsync(id, true))!.History!.OfType<UpdateAccepted>().Any());
            Assert.False(pending.IsCompleted);
            Assert.Equal(1, await first.Client.QueryAsync<int>(id, "held"));
            await firstCaller.CancelAsync(); // The first caller gives up with its node; the update stays accepted.
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => pending);
        }

        // The handler's state is rebuilt by replay on the next node, and the same update id finds the same update.
        await using var second = await TestSilo.StartAsync(path);
        var resent = second.Client.UpdateAsync<string>(id, "hold", "a", new UpdateOptions { UpdateId = "hold-a" });
        await second.Client.RaiseEventAsync(id, "release", "go");
        Assert.Equal("a:go", await resent.WaitAsync(Eventually.Timeout));
        Assert.Equal(1, await second.Client.QueryAsync<int>(id, "held"));
        var history = (await second.Client.GetStatusAsync(id, true))!.History!;
        Assert.Single(history, e => e is UpdateAccepted);
        Assert.Single(history, e => e is UpdateCompleted { Result: "\"a:go\"" });
    }

    [Fact]
    public async Task AnUpdateStillRunning_WhenTheRunEnds_FailsWithWhy()
    {
        await using var silo = await TestSilo.StartAsync();
        var id = await silo.Client.StartAsync(nameof(GatedUpdateWorkflow), "in");
        var pending = silo.Client.UpdateAsync(id, "hold", "b");
        await Eventually.WaitUntil(async () => (await silo.Client.GetStatusAsync(id, true))!.History!.OfType<UpdateAccepted>().Any());

        await silo.Client.RaiseEventAsync(id, "finish", true);

        var failed = await Assert.ThrowsAsync<UpdateFailedException>(() => pending.WaitAsync(Eventually.Timeout));
        Assert.Contains("completed before the update's handler returned", failed.Failure.Message);
        var status = await silo.Client.WaitForCompletionAsync(id, Eventually.Timeout);
        Assert.Equal("in:1", status.ReadOutput<string>());
        var history = (await silo.Client.GetStatusAsync(id, true))!.History!;
        Assert.IsType<WorkflowCompleted>(history[^1]);
        Assert.IsType<UpdateFailed>(history[^2]);
    }

    [Fact]
    public async Task ASuspendedInstance_TakesTheUpdate_AndRunsItsHandlerOnResume()
    {
        await using var silo = await TestSilo.StartAsync();
        var id = await silo.Client.StartAsync(nameof(GatedUpdateWorkflow), "in");
        await Eventually.WaitUntil(async () => (await silo.Client.GetStatusAsync(id, true))!.History!.OfType<EventWaitStarted>().Any());
        await silo.Client.RaiseEventAsync(id, "release", "later");
        await silo.Client.SuspendAsync(id, "paused");
        await Eventually.WaitUntil(async () => (await silo.Client.GetStatusAsync(id))!.RuntimeStatus == WorkflowRuntimeStatus.Suspended);

        var pending = silo.Client.UpdateAsync<string>(id, "hold", "c");
        await Eventually.WaitUntil(async () => (await silo.Client.GetStatusAsync(id, true))!.History!.OfType<UpdateAccepted>().Any());
        Assert.Equal(0, await silo.Client.QueryAsync<int>(id, "held"));
        if (pending.IsCompleted)
        {
            Assert.Fail("completed early: " + await pending);
        }

        await silo.Client.ResumeAsync(id);
        Assert.Equal("c:later", await pending.WaitAsync(Eventually.Timeout));
    }
}
