using Baton.History;
using Microsoft.Extensions.DependencyInjection;

namespace Baton.Silo.Tests;

public sealed class NonDeterminismTests
{
    [Fact]
    public async Task CodeChangedUnderRunningInstance_NextSiloFailsItNamingTheStep()
    {
        // A manual clock: the workflow's timer cannot fire in the first silo, however slowly it stops.
        var clock = new ManualTimeProvider(new DateTimeOffset(2026, 3, 1, 0, 0, 0, TimeSpan.Zero));
        var path = TestSilo.NewDatabasePath();
        string id;
        await using (var before = await TestSilo.StartAsync(path, services: s => s.AddKeyedSingleton<TimeProvider>(BatonClock.ServiceKey, clock)))
        {
            id = await before.Client.StartAsync(nameof(ChangingWorkflow), "parcel");
            await Eventually.WaitUntil(async () => (await before.Client.GetStatusAsync(id, true))!.History!.OfType<TimerCreated>().Any());
        }

        ChangingWorkflow.Deployed = true;
        try
        {
            await using var after = await TestSilo.StartAsync(path, services: s => s.AddKeyedSingleton<TimeProvider>(BatonClock.ServiceKey, clock));
            // Recovery may replay the instance (and find the change) as soon as the silo starts, or its timer may: either way
            // the step is named and the new code's activity is never scheduled.
            clock.Advance(TimeSpan.FromSeconds(1));
            var status = await after.Client.WaitForCompletionAsync(id, Eventually.Timeout);

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
