using Baton.History;
using Microsoft.Extensions.DependencyInjection;

namespace Baton.Silo.Tests;

public sealed class ResultHandOffTests
{
    [Fact]
    public async Task HandOffCallsFail_ResultsAreRecordedInTheStore_AndNoActivityRunsTwice()
    {
        var refusals = new RefuseResultHandOffs(times: 3);
        await using var silo = await TestSilo.StartAsync(
            register: b => b.AddWorkflow<ClusterWorkflow>().AddActivity<SlowSquare>(),
            services: s => s.AddSingleton<IIncomingGrainCallFilter>(refusals));

        var id = await silo.Client.StartAsync(nameof(ClusterWorkflow), new ClusterOrder(5, 100));
        await silo.Client.RaiseEventAsync(id, "bonus", 1);
        var status = await silo.Client.WaitForCompletionAsync(id, Eventually.Timeout);

        Assert.Equal(1 + 4 + 9 + 16 + 25 + 1, status.ReadOutput<int>());
        Assert.True(refusals.Refused >= 1, "No hand-over was refused, so the test proves nothing.");
        Assert.All(Enumerable.Range(1, 5), i => Assert.Equal(1, Probe.Count(SlowSquare.Key(id, i))));
        var history = (await silo.Client.GetStatusAsync(id, includeHistory: true))!.History!;
        Assert.Equal(5, history.OfType<ActivityCompleted>().Select(e => e.StepId).Distinct().Count());
        Assert.Equal(5, history.OfType<ActivityCompleted>().Count());
    }

    /// <summary>Fails the first hand-overs of activity results to workflow grains, as a call lost with its silo's connection would.</summary>
    private sealed class RefuseResultHandOffs(int times) : IIncomingGrainCallFilter
    {
        private int _calls;

        public int Refused => Math.Min(Volatile.Read(ref _calls), times);

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
