using System.Collections.Concurrent;

namespace Baton.Grains.Runtime;

/// <summary>
/// Wakes clients waiting for an instance to finish, as soon as the finishing commit is durable. The finish happens where the
/// instance's grain is active, so it also knows which instances are active in this silo: a waiter here needs nothing more
/// for those, and waits at the grain for the others.
/// </summary>
internal sealed class CompletionNotifier
{
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _waiters = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _activeHere = new(StringComparer.Ordinal);

    /// <summary>Whether the instance's grain is active in this silo now.</summary>
    public bool IsActiveHere(string instanceId) => _activeHere.ContainsKey(instanceId);

    /// <summary>Records that the instance's grain activated in this silo.</summary>
    public void Activated(string instanceId) => _activeHere.AddOrUpdate(instanceId, 1, static (_, count) => count + 1);

    /// <summary>Records that an activation of the instance's grain in this silo went away, and wakes its waiters to look again.</summary>
    public void Deactivated(string instanceId)
    {
        if (_activeHere.AddOrUpdate(instanceId, 0, static (_, count) => count - 1) <= 0)
        {
            _activeHere.TryRemove(new KeyValuePair<string, int>(instanceId, 0));
        }

        Signal(instanceId);
    }

    /// <summary>A task that completes at the next <see cref="Signal"/> for <paramref name="instanceId"/>.</summary>
    public Task NextSignal(string instanceId) =>
        _waiters.GetOrAdd(instanceId, static _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;

    public void Signal(string instanceId)
    {
        if (_waiters.TryRemove(instanceId, out var waiter))
        {
            waiter.TrySetResult();
        }
    }
}
