using Baton.Samples.Sweep;
using Baton.TestingHost;
using Microsoft.Extensions.DependencyInjection;

namespace Baton.Silo.Tests;

/// <summary>The training sweep sample end to end: real trials of an ML.NET model on the bundled data set, on the gpu queue when a silo serves it.</summary>
public sealed class SweepSampleTests
{
    private static readonly SweepRequest Small = new() { L1 = [0f], L2 = [0.1f, 100f], Folds = 3, MaxParallel = 2 };

    [Fact]
    public async Task WithoutAGpuSilo_TheTrialsRunOnTheDefaultQueue_AndTheBestIsTheLessRegularised()
    {
        await using var silo = await TestSilo.StartAsync(register: b => b.AddTrainingSweep());

        var report = await RunAsync(silo.Client);

        Assert.Equal("default", report.Queue);
        Assert.Equal([1, 2], report.Trials.Select(t => t.Trial));
        Assert.All(report.Trials, t => Assert.InRange(t.Auc, 0.7, 1.0));
        Assert.Equal(0.1f, report.Best.L2); // L2 = 100 over-regularises this data set
        Assert.True(report.Trials.Single(t => t.L2 == 100f).Auc < report.Best.Auc);
    }

    [Fact]
    public async Task TheTrialsRunAtMostMaxParallelAtOnce_AndEachHeartbeatsOncePerFold()
    {
        await using var silo = await TestSilo.StartAsync(register: b => b.AddTrainingSweep());

        var report = await RunAsync(silo.Client, new SweepRequest { L1 = [0f, 1f], L2 = [0.1f, 1f, 10f], Folds = 2, MaxParallel = 2 });

        Assert.Equal(6, report.Trials.Count);
        Assert.All(report.Trials, t => Assert.Equal(2, t.Heartbeats));
        // At each trial's start, how many trials were running (itself included): never more than MaxParallel.
        var overlaps = report.Trials.Select(t => report.Trials.Count(o => o.Started <= t.Started && t.Started < o.Finished));
        Assert.All(overlaps, running => Assert.InRange(running, 1, 2));
    }

    [Fact]
    public async Task WithAGpuSilo_TheTrialsRunThere()
    {
        await using var cluster = await BatonTestCluster.StartAsync(TestSilo.Options(register: b => b.AddTrainingSweep()));
        var gpu = await cluster.AddSiloAsync(o => o.ActivityQueues = ["default", TrainingSweep.GpuQueue]);
        foreach (var silo in cluster.Silos)
        {
            var queues = silo.Services.GetRequiredService<IActivityQueues>();
            await Eventually.WaitUntil(() => Task.FromResult(queues.Served().Contains(TrainingSweep.GpuQueue)), TimeSpan.FromSeconds(30));
        }

        var report = await RunAsync(cluster.Client);

        Assert.Equal(TrainingSweep.GpuQueue, report.Queue);
        Assert.All(report.Trials, t => Assert.Equal(gpu.Address.ToString(), t.RanOn));
    }

    private static async Task<SweepReport> RunAsync(IWorkflowClient client, SweepRequest? sweep = null)
    {
        var id = await client.StartAsync(nameof(TrainingSweep), sweep ?? Small);
        var status = await client.WaitForCompletionAsync(id, TimeSpan.FromMinutes(3));
        Assert.True(status.RuntimeStatus == WorkflowRuntimeStatus.Completed, status.Failure?.ToString());
        return status.ReadOutput<SweepReport>()!;
    }
}
