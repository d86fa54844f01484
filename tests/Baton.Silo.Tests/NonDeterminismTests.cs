using Baton.History;

namespace Baton.Silo.Tests;

public sealed class NonDeterminismTests
{
    [Fact]
    public async Task CodeChangedUnderRunningInstance_NextSiloFailsItNamingTheStep()
    {
        var path = TestSilo.NewDatabasePath();
        string id;
        await using (var before = await TestSilo.StartAsync(path))
        {
            id = await before.Client.StartAsync(nameof(ChangingWorkflow), "parcel");
            await Eventually.WaitUntil(async () => (await before.Client.GetStatusAsync(id, true))!.History!.OfType<TimerCreated>().Any());
        }

        ChangingWorkflow.Deployed = true;
        try
        {
            await using var after = await TestSilo.StartAsync(path);
            var status = await after.Client.WaitForCompletionAsync(id, TimeSpan.FromSeconds(30));

            Assert.Equal(WorkflowRuntimeStatus.Failed, status.RuntimeStatus);
            Assert.Equal(typeof(NonDeterministicWorkflowException).FullName, status.Failure!.ErrorType);
            Assert.Contains("step 0", status.Failure.Message);
            Assert.Contains($"'{nameof(Echo)}'", status.Failure.Message);
            Assert.Contains($"'{nameof(FailingActivity)}'", status.Failure.Message);
            var history = (await after.Client.GetStatusAsync(id, true))!.History!;
            Assert.DoesNotContain(history, e => e is ActivityScheduled { Name: nameof(FailingActivity) });
        }
        finally
        {
            ChangingWorkflow.Deployed = false;
        }
    }
}
