using Baton.History;
using Baton.TestingHost;
using Microsoft.Extensions.DependencyInjection;

namespace Baton.Silo.Tests;

public sealed class CrossSiloWaitTests
{
    [Fact]
    public async Task AWaitOnAnySilo_EndsWhenTheInstanceFinishes_WhereverItsGrainRuns()
    {
        // The clock never moves: a wait that fell back to polling on a timer would never read again. Only the finish
        // itself, signalled on the grain's silo and carried to the waiter, can end these waits.
        var clock = new ManualTimeProvider(DateTimeOffset.UtcNow);
        await using var cluster = await BatonTestCluster.StartAsync(TestSilo.Options(silos: 2, services: s => s.AddKeyedSingleton<TimeProvider>(BatonClock.ServiceKey, clock)));
        var ids = new List<string>();
        for (var i = 0; i < 12; i++)
        {
            var id = await cluster.Silos[i % 2].Client.StartAsync(nameof(ApprovalWorkflow), 600);
            await Eventually.WaitUntil(async () => (await cluster.Client.GetStatusAsync(id, includeHistory: true))!.History!.OfType<EventWaitStarted>().Any());
            ids.Add(id);
        }

        // Each instance is waited for from both silos, before it finishes: for each, one of the two is not where its grain runs.
        var waits = ids.SelectMany(id => cluster.Silos.Select(s => s.Client.WaitForCompletionAsync(id, TimeSpan.FromSeconds(30)))).ToList();
        foreach (var id in ids)
        {
            await cluster.Client.RaiseEventAsync(id, "approval", "ann");
        }

        Assert.All(await Task.WhenAll(waits), status => Assert.Equal("approved by ann", status.ReadOutput<string>()));
    }
}
