using Baton.History;
using Baton.Samples;

namespace Baton.Silo.Tests;

public sealed class WorkflowExecutionTests
{
    [Fact]
    public async Task Chaining_ThreeActivities_CompletesWithOutputInOrder()
    {
        await using var silo = await TestSilo.StartAsync();
        var id = await silo.Client.StartAsync(nameof(GreetingChain), new[] { "Tokyo", "Seattle", "London" });

        var status = await silo.Client.WaitForCompletionAsync(id, Eventually.Timeout);

        Assert.Equal(WorkflowRuntimeStatus.Completed, status.RuntimeStatus);
        Assert.Equal("Hello, Tokyo! Hello, Seattle! Hello, London!", status.ReadOutput<string>());
        var history = (await silo.Client.GetStatusAsync(id, includeHistory: true))!.History!;
        Assert.Equal(["Tokyo", "Seattle", "London"], history.OfType<ActivityScheduled>().Select(a => a.Input!.Trim('"')));
        Assert.IsType<WorkflowCompleted>(history[^1]);
    }

    [Fact]
    public async Task FanOut_ThousandActivities_SumsEveryResult()
    {
        await using var silo = await TestSilo.StartAsync();
        var id = await silo.Client.StartAsync(nameof(SquareSum), 1000);

        var status = await silo.Client.WaitForCompletionAsync(id, Eventually.Timeout);

        Assert.Equal(WorkflowRuntimeStatus.Completed, status.RuntimeStatus);
        Assert.Equal(333_833_500L, status.ReadOutput<long>());
        var history = (await silo.Client.GetStatusAsync(id, includeHistory: true))!.History!;
        Assert.Equal(1000, history.OfType<ActivityScheduled>().Select(a => a.StepId).Distinct().Count());
        Assert.Equal(1000, history.OfType<ActivityCompleted>().Select(a => a.StepId).Distinct().Count());
    }

    [Fact]
    public async Task ActivityFailure_CaughtByWorkflow_ReturnsFailureDetails()
    {
        await using var silo = await TestSilo.StartAsync();
        var id = await silo.Client.StartAsync(nameof(CatchingWorkflow), "card declined");

        var status = await silo.Client.WaitForCompletionAsync(id, Eventually.Timeout);

        Assert.Equal(WorkflowRuntimeStatus.Completed, status.RuntimeStatus);
        Assert.Equal("caught System.InvalidOperationException: card declined at step 0", status.ReadOutput<string>());
        var failed = Assert.Single((await silo.Client.GetStatusAsync(id, includeHistory: true))!.History!.OfType<ActivityFailed>());
        Assert.Contains(nameof(FailingActivity), failed.Failure.StackTrace);
    }

    [Fact]
    public async Task ActivityFailure_Uncaught_FailsInstanceWithDetails()
    {
        await using var silo = await TestSilo.StartAsync();
        var id = await silo.Client.StartAsync(nameof(UncaughtFailureWorkflow), "out of stock");

        var status = await silo.Client.WaitForCompletionAsync(id, Eventually.Timeout);

        Assert.Equal(WorkflowRuntimeStatus.Failed, status.RuntimeStatus);
        Assert.NotNull(status.Failure);
        Assert.Equal(typeof(ActivityFailedException).FullName, status.Failure.ErrorType);
        Assert.Contains("out of stock", status.Failure.Message);
        Assert.Equal(typeof(InvalidOperationException).FullName, status.Failure.Inner?.ErrorType);
        Assert.Equal("out of stock", status.Failure.Inner?.Message);
        Assert.NotNull(status.CompletedAt);
    }

    [Fact]
    public async Task UnknownActivity_FailsInstanceNamingTheActivity_AndSchedulesNothing()
    {
        await using var silo = await TestSilo.StartAsync();
        var id = await silo.Client.StartAsync(nameof(UnknownActivityWorkflow), "x");

        var status = await silo.Client.WaitForCompletionAsync(id, Eventually.Timeout);

        Assert.Equal(WorkflowRuntimeStatus.Failed, status.RuntimeStatus);
        Assert.Equal(typeof(ActivityNotRegisteredException).FullName, status.Failure!.ErrorType);
        Assert.Contains("NoSuchActivity", status.Failure.Message);
        Assert.Empty((await silo.Client.GetStatusAsync(id, includeHistory: true))!.History!.OfType<ActivityScheduled>());
    }

    [Fact]
    public async Task Step_RecordedOnce_NotRunAgainAfterRestart()
    {
        var path = TestSilo.NewDatabasePath();
        string id;
        await using (var first = await TestSilo.StartAsync(path))
        {
            id = await first.Client.StartAsync(nameof(StepWorkflow), 1500);
            await Eventually.WaitUntil(async () => (await first.Client.GetStatusAsync(id, true))!.History!.OfType<TimerCreated>().Any());
        }

        await using var second = await TestSilo.StartAsync(path);
        var status = await second.Client.WaitForCompletionAsync(id, Eventually.Timeout);

        Assert.Equal(WorkflowRuntimeStatus.Completed, status.RuntimeStatus);
        Assert.Equal(1, StepWorkflow.Executions[id]);
        var step = Assert.Single(status.History ?? (await second.Client.GetStatusAsync(id, true))!.History!, e => e is StepCompleted);
        Assert.Equal($"\"{status.ReadOutput<string>()}\"", ((StepCompleted)step).Result);
    }
}
