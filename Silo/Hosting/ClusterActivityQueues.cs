using Orleans.Runtime;
using Orleans.Runtime.MembershipService.SiloMetadata;

namespace Baton.Silo.Hosting;

/// <summary>
/// The queues the live silos serve, read from Orleans' silo metadata, where each silo publishes its own under
/// <see cref="MetadataKey"/> (see <see cref="BatonSiloBuilderExtensions.AddBaton"/>).
/// </summary>
internal sealed class ClusterActivityQueues(IClusterMembershipService membership, ISiloMetadataCache metadata) : IActivityQueues
{
    /// <summary>The silo metadata key of a silo's queues, comma-separated.</summary>
    public const string MetadataKey = "baton.queues";

    public IReadOnlySet<string> Served()
    {
        var served = new HashSet<string>(StringComparer.Ordinal);
        foreach (var member in membership.CurrentSnapshot.Members.Values)
        {
            if (member.Status == SiloStatus.Active && metadata.GetSiloMetadata(member.SiloAddress).Metadata.TryGetValue(MetadataKey, out var queues))
            {
                served.UnionWith(queues.Split(',', StringSplitOptions.RemoveEmptyEntries));
            }
        }

        return served;
    }
}
