using System.Collections.Concurrent;

namespace Baton.Grains.Runtime;

/// <summary>
/// Wakes clients waiting for an instance to finish, as soon as the finishing commit is durable. The finish happens where the
/// instance's grain is active: a waiter in that silo needs nothing more (<see cref="LocalInstances"/> says which), and waits
/// at the grain for the others. A deactivation signals too, so that waiters look again.
/// </summary>
internal sealed class CompletionNotifier
{
    private readonly ConcurrentDictionary<string, TaskCompletionSource<WorkflowStatus?>> _waiters = new(StringComparer.Ordinal);

    /// <summary>
    /// A task that completes at the next <see cref="Signal"/> for <paramref name="instanceId"/>, with the status the finish
    /// committed, or null when the signal says only "look again".
    /// </summary>
    public Task<WorkflowStatus?> NextSignal(string instanceId) =>
        _waiters.GetOrAdd(instanceId, static _ => new TaskCompletionSource<WorkflowStatus?>(TaskCreationOptions.RunContinuationsAsynchronously)).Task;

    /// <summary>Wakes the waiters for <paramref name="instanceId"/>, handing them <paramref name="finished"/> when the signal is a finish that knows its status.</summary>
    public void Signal(string instanceId, WorkflowStatus? finished = null)
    {
        if (_waiters.TryRemove(instanceId, out var waiter))
        {
            waiter.TrySetResult(finished);
        }
    }
}
