using System.Collections.Frozen;
using Microsoft.Extensions.Options;

namespace Baton.Grains.Registry;

/// <summary>
/// The namespaces a silo serves (<see cref="BatonOptions.Namespaces"/> and the default one), which workflows each runs and
/// its activity limits. Built once from the options; read-only.
/// </summary>
public sealed class NamespaceCatalog
{
    private readonly WorkflowRegistry _registry;
    private readonly FrozenDictionary<string, Space> _spaces;

    /// <summary>Reads the namespaces from the options.</summary>
    /// <param name="registry">The registered workflows.</param>
    /// <param name="options">The silo's options.</param>
    public NamespaceCatalog(WorkflowRegistry registry, IOptions<BatonOptions> options)
    {
        _registry = registry;
        var value = options.Value;
        var spaces = new Dictionary<string, Space>(StringComparer.Ordinal)
        {
            [WorkflowNamespaces.Default] = new(null, value.ActivityLimits, value.QueueLimits),
        };
        foreach (var (name, space) in value.Namespaces)
        {
            spaces[WorkflowNamespaces.Normalize(name)] = new(
                space.Workflows.Count == 0 ? null : space.Workflows.ToFrozenSet(StringComparer.OrdinalIgnoreCase), space.ActivityLimits, space.QueueLimits);
        }

        _spaces = spaces.ToFrozenDictionary(StringComparer.Ordinal);
        Names = [WorkflowNamespaces.Default, .. _spaces.Keys.Where(k => !WorkflowNamespaces.IsDefault(k)).Order(StringComparer.Ordinal)];
    }

    /// <summary>The canonical names of the namespaces, the default one first.</summary>
    public IReadOnlyList<string> Names { get; }

    /// <summary>Whether any namespace has an activity or queue limit.</summary>
    public bool HasLimits => _spaces.Values.Any(s => s.ActivityLimits.Count > 0 || s.QueueLimits.Count > 0);

    /// <summary>The canonical name of a declared namespace.</summary>
    /// <param name="name">A name in any case; null for the default namespace.</param>
    /// <exception cref="ArgumentException">The name is not a valid namespace name.</exception>
    /// <exception cref="NamespaceNotFoundException">No such namespace is declared.</exception>
    public string Resolve(string? name)
    {
        var canonical = WorkflowNamespaces.Normalize(name);
        return _spaces.ContainsKey(canonical) ? canonical : throw new NamespaceNotFoundException(name!);
    }

    /// <summary>The newest version of a workflow the namespace runs.</summary>
    /// <exception cref="WorkflowNotRegisteredException">No such workflow is registered, or the namespace does not run it.</exception>
    public WorkflowRegistration GetWorkflow(string namespaceName, string workflowName)
    {
        var workflow = _registry.GetWorkflow(workflowName);
        return Runs(namespaceName, workflow.Name) ? workflow : throw new WorkflowNotRegisteredException(workflowName);
    }

    /// <summary>Whether the namespace runs the workflow (or entity, <c>@{name}</c>) of that name.</summary>
    public bool Runs(string namespaceName, string workflowName) =>
        _spaces.TryGetValue(namespaceName, out var space)
        && (space.Workflows is null
            || workflowName == ScheduleClient.WorkflowName
            || space.Workflows.Contains(workflowName.StartsWith('@') ? workflowName[1..] : workflowName));

    /// <summary>The limits on an activity of an instance in the namespace: its activity's, then its queue's, each with the limiter it is counted by.</summary>
    internal IEnumerable<(string Key, ActivityLimit Limit)> Limits(string namespaceName, string activity, string queue)
    {
        if (!_spaces.TryGetValue(namespaceName, out var space))
        {
            yield break;
        }

        if (space.ActivityLimits.Count > 0 && space.ActivityLimits.TryGetValue(activity, out var byActivity))
        {
            yield return (LimiterKey(namespaceName, ActivityLimitKind.Activity, activity), byActivity);
        }

        if (space.QueueLimits.Count > 0 && space.QueueLimits.TryGetValue(queue, out var byQueue))
        {
            yield return (LimiterKey(namespaceName, ActivityLimitKind.Queue, queue), byQueue);
        }
    }

    /// <summary>Every limit the namespace sets, with the limiter it is counted by.</summary>
    internal IEnumerable<(ActivityLimitKind Kind, string Name, string Key, ActivityLimit Limit)> Limits(string namespaceName) =>
        _spaces.TryGetValue(namespaceName, out var space)
            ? space.ActivityLimits.Select(l => (ActivityLimitKind.Activity, l.Key, LimiterKey(namespaceName, ActivityLimitKind.Activity, l.Key), l.Value))
                .Concat(space.QueueLimits.Select(l => (ActivityLimitKind.Queue, l.Key, LimiterKey(namespaceName, ActivityLimitKind.Queue, l.Key), l.Value)))
            : [];

    // The default namespace keeps the limiter keys it had before namespaces existed.
    private static string LimiterKey(string namespaceName, ActivityLimitKind kind, string name) =>
        $"{(WorkflowNamespaces.IsDefault(namespaceName) ? "" : WorkflowNamespaces.KeyPrefix(namespaceName))}{(kind == ActivityLimitKind.Activity ? "activity" : "queue")}/{name.ToUpperInvariant()}";

    /// <summary>Names a namespace lists that no registered workflow or entity has: a misconfiguration, refused at start.</summary>
    internal IEnumerable<string> UnknownWorkflows() =>
        _spaces.SelectMany(s => (s.Value.Workflows ?? []).Where(w => !_registry.Workflows.Any(r => string.Equals(r.Name, w, StringComparison.OrdinalIgnoreCase)
            || string.Equals(r.Name, EntityId.WorkflowNameOf(w), StringComparison.Ordinal))).Select(w => $"{s.Key}: {w}"));

    /// <summary>What a limit holds to its concurrency and rate.</summary>
    internal enum ActivityLimitKind
    {
        Activity,
        Queue,
    }

    private sealed record Space(FrozenSet<string>? Workflows, IDictionary<string, ActivityLimit> ActivityLimits, IDictionary<string, ActivityLimit> QueueLimits);
}
