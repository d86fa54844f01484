using Orleans.Runtime;

namespace Baton.Grains.Runtime;

/// <summary>
/// This silo's name in the store (its Orleans address with generation, so a restarted process is a different silo)
/// and the names of the silos Orleans' membership holds active now. Commits and work-item leases record the first;
/// recovery treats anything recorded under a name missing from the second as orphaned.
/// </summary>
internal sealed class SiloIdentity(ILocalSiloDetails local, IClusterMembershipService membership)
{
    public string Name { get; } = local.SiloAddress.ToParsableString();

    public IReadOnlyCollection<string> LiveSilos() =>
        membership.CurrentSnapshot.Members.Values
            .Where(m => m.Status == SiloStatus.Active)
            .Select(m => m.SiloAddress.ToParsableString())
            .Append(Name)
            .ToHashSet(StringComparer.Ordinal);
}
