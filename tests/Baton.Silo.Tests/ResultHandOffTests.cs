using Baton.History;
using Baton.TestingHost;
using Microsoft.Extensions.DependencyInjection;

namespace Baton.Silo.Tests;

/// <summary>How finished activities' results reach their workflow grains: straight onto the activation when it is in the same silo, by grain call otherwise.</summary>
public sealed class ResultHandOffTests
{
    [Fact]
    public async Task ResultsForAnInstanceInTheSameSilo_TakeNoGrainCall()
    {
        var calls = new RefuseResultHandOffs(times: 0);
        await using var silo = await TestSilo.StartAsync(
            register: b => b.AddWorkflow<ClusterWorkflow>().AddActivity<SlowSquare>(),
            services: s => s.AddSingleton<IIncomingGrainCallFilter>(calls));

        var id = await silo.Client.StartAsync(nameof(ClusterWorkflow), new ClusterOrder(5, 100));
        await silo.Client.RaiseEventAsync(id, "bonus", 1);
        var status = await silo.Client.WaitForCompletionAsync(id, Eventually.Timeout);

        Assert.Equal(1 + 4 + 9 + 16 + 25 + 1, status.ReadOutput<int>());
        Assert.Equal(0, calls.Calls);
    }

    [Fact]
    public async Task HandOffCallsFromAnotherSiloFail_ResultsAreRecordedInTheStore_AndNoActivityRunsTwice()
    {
        var refusals = new RefuseResultHandOffs(times: 3);
        await using var cluster = await BatonTestCluster.StartAsync(TestSilo.Options(
            register: b => b.AddWorkflow<GpuWorkflow>().AddActivity<WhereAmI>(),
            services: s => s.AddSingleton<IIncomingGrainCallFilter>(refusals)));

        // Every grain activates on the first silo, which does not serve "gpu": the results come from the silo that joins
        // serving it, by grain calls, the first three of which fail.
        var ids = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            ids.Add(await cluster.Client.StartAsync(nameof(GpuWorkflow), $"tensor {i}"));
        }

        foreach (var id in ids)
        {
            await Eventually.WaitUntil(async () =>
                (await cluster.Client.GetStatusAsync(id, includeHistory: true))!.History!.OfType<ActivityScheduled>().Any());
        }

        var gpu = await cluster.AddSiloAsync(o => o.ActivityQueues = ["default", "gpu"]);
        foreach (var id in ids)
        {
            var status = await cluster.WaitForStatusAsync(id, WorkflowRuntimeStatus.Completed);
            Assert.Equal(gpu.Address.ToString(), status.ReadOutput<string>());
            Assert.Equal(1, Probe.Count(WhereAmI.Key(id)));
            Assert.Single((await cluster.Client.GetStatusAsync(id, includeHistory: true))!.History!.OfType<ActivityCompleted>());
        }

        Assert.True(refusals.Refused >= 1, "No hand-over was refused, so the test proves nothing.");
    }

    /// <summary>Counts hand-overs of activity results to workflow grains, and fails the first ones, as a call lost with its silo's connection would.</summary>
    private sealed class RefuseResultHandOffs(int times) : IIncomingGrainCallFilter
    {
        private int _calls;

        public int Calls => Volatile.Read(ref _calls);

        public int Refused => Math.Min(Calls, times);

        public Task Invoke(IIncomingGrainCallContext context)
        {
            if (context.MethodName == nameof(Baton.Grains.IWorkflowGrain.DeliverActivityResultsAsync) && Interlocked.Increment(ref _calls) <= times)
            {
                throw new InvalidOperationException("The hand-over was refused by the test.");
            }

            return context.Invoke();
        }
    }
}
