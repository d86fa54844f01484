using Baton.TestingHost;
using Microsoft.Extensions.DependencyInjection;

namespace Baton.Silo.Tests;

/// <summary>Every silo knows which queues the live silos serve: a silo that joins adds its queues, one that dies takes them away.</summary>
public sealed class ActivityQueuesTests
{
    [Fact]
    public async Task TheServedQueues_FollowTheSilosThatJoinAndDie()
    {
        await using var cluster = await BatonTestCluster.StartAsync(TestSilo.Options(silos: 2));
        var queues = cluster.Silos[0].Services.GetRequiredService<IActivityQueues>();
        Assert.Equal(["default"], queues.Served());

        var gpu = await cluster.AddSiloAsync(o => o.ActivityQueues = ["default", "gpu"]);
        await Eventually.WaitUntil(() => Task.FromResult(queues.Served().Contains("gpu")), TimeSpan.FromSeconds(30));

        await cluster.KillSiloAsync(gpu);
        await Eventually.WaitUntil(() => Task.FromResult(!queues.Served().Contains("gpu")), TimeSpan.FromSeconds(60));
        Assert.Equal(["default"], queues.Served());
    }
}
