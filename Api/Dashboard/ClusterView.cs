using Baton.Silo.Hosting;
using Orleans.Runtime;
using Orleans.Runtime.MembershipService.SiloMetadata;

namespace Baton.Api.Dashboard;

/// <summary>The cluster's silos as Orleans' management grain reports them, with the activity queues each one serves.</summary>
internal sealed class ClusterView(IGrainFactory grains, IServiceProvider services)
{
    public async Task<IReadOnlyList<SiloFigures>> ReadAsync()
    {
        var management = grains.GetGrain<IManagementGrain>(0);
        var hosts = await management.GetDetailedHosts(onlyActive: false);
        var live = hosts.Where(h => h.Status == SiloStatus.Active).Select(h => h.SiloAddress).ToArray();
        var statistics = live.Length == 0 ? [] : await management.GetRuntimeStatistics(live);
        var activations = live.Zip(statistics).ToDictionary(p => p.First, p => p.Second.ActivationCount);
        // The metadata cache runs where a silo runs; a front end without one shows no queues.
        var metadata = services.GetService<ISiloMetadataCache>();
        return hosts
            .Where(h => h.Status is SiloStatus.Active or SiloStatus.Joining or SiloStatus.ShuttingDown or SiloStatus.Stopping)
            .OrderBy(h => h.SiloName, StringComparer.Ordinal)
            .Select(h => new SiloFigures(
                h.SiloName,
                h.SiloAddress.ToString(),
                h.Status.ToString(),
                h.StartTime,
                activations.TryGetValue(h.SiloAddress, out var count) ? count : null,
                metadata?.GetSiloMetadata(h.SiloAddress).Metadata.TryGetValue(ClusterActivityQueues.MetadataKey, out var queues) == true
                    ? queues.Split(',', StringSplitOptions.RemoveEmptyEntries)
                    : []))
            .ToList();
    }
}

/// <summary>One silo.</summary>
/// <param name="Name">Its name.</param>
/// <param name="Address">Its address.</param>
/// <param name="Status">Its membership status.</param>
/// <param name="Started">When it started.</param>
/// <param name="Activations">Its grain activations, for an active silo.</param>
/// <param name="Queues">The activity queues it serves.</param>
internal sealed record SiloFigures(string Name, string Address, string Status, DateTime Started, int? Activations, IReadOnlyList<string> Queues);
