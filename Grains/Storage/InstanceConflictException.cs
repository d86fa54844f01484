namespace Baton.Grains.Storage;

/// <summary>
/// A commit was fenced off: another activation of the instance committed first (its revision moved on), or the
/// instance was purged or recreated under it. Nothing was written; the activation reloads from the store.
/// </summary>
internal sealed class InstanceConflictException(string instanceId, long expectedRevision)
    : BatonException($"Instance '{instanceId}' moved past revision {expectedRevision}: another activation committed first.")
{
    public string InstanceId { get; } = instanceId;
}
