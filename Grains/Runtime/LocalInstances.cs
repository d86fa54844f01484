using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using Baton.History;

namespace Baton.Grains.Runtime;

/// <summary>
/// The workflow grains active in this silo, by instance key. This silo's activity results go to them straight onto their
/// activation's scheduler rather than as grain calls (a call to a grain in the same silo still costs a request and a
/// response message and their copies), and a client here knows it can wait for a finish without asking the grain.
/// </summary>
internal sealed class LocalInstances
{
    private readonly ConcurrentDictionary<string, ILocalInstance> _active = new(StringComparer.Ordinal);

    /// <summary>Records the activation of an instance's grain in this silo; a newer activation of the same key replaces an older one.</summary>
    public void Add(string instanceKey, ILocalInstance instance) => _active[instanceKey] = instance;

    /// <summary>Forgets an activation, unless a newer one of the same key has replaced it.</summary>
    public void Remove(string instanceKey, ILocalInstance instance) => _active.TryRemove(KeyValuePair.Create(instanceKey, instance));

    /// <summary>Whether the instance's grain is active in this silo now.</summary>
    public bool Contains(string instanceKey) => _active.ContainsKey(instanceKey);

    /// <summary>The activation of the instance's grain in this silo, if there is one.</summary>
    public bool TryGet(string instanceKey, [MaybeNullWhen(false)] out ILocalInstance instance) => _active.TryGetValue(instanceKey, out instance);
}

/// <summary>A workflow grain's activation, as this silo's activity runner reaches it.</summary>
internal interface ILocalInstance
{
    /// <summary>
    /// Takes activity results into the instance's next turn, on the activation's own scheduler. True once a commit has
    /// recorded them; false when the activation had already begun to go away (the caller then sends them as a grain call).
    /// </summary>
    Task<bool> DeliverHereAsync(IReadOnlyList<HistoryEvent> results);

    /// <summary>Whether the activation's last commit left the instance unfinished (see <see cref="WorkflowInstance.Unfinished"/>).</summary>
    bool Unfinished { get; }
}
