namespace Baton;

/// <summary>
/// Which activity queues the cluster's live silos serve (<c>BatonOptions.ActivityQueues</c>), as the silos publish them.
/// Resolve it from a silo's services, in an activity: for example to send work to a <c>gpu</c> queue only when a silo
/// serves it (work for a queue that no live silo serves waits until one does).
/// </summary>
public interface IActivityQueues
{
    /// <summary>The queues that at least one live silo serves, as this silo knows them now.</summary>
    IReadOnlySet<string> Served();
}
