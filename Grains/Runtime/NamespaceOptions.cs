namespace Baton;

/// <summary>
/// One namespace (task hub) beside the default one: its own instances, workflows and limits on the shared store and
/// cluster. Declare the same namespaces on every silo. Configuration: <c>Baton:Namespaces:{name}:…</c>.
/// </summary>
public sealed class NamespaceOptions
{
    /// <summary>
    /// The workflows and entities (by registered name) its clients and workflows may start; empty (the default) for every
    /// registered one. A start of any other is refused with <see cref="WorkflowNotRegisteredException"/>.
    /// </summary>
    public IList<string> Workflows { get; set; } = [];

    /// <summary>Its cluster-wide limits by activity name, counted apart from every other namespace's. Default: none.</summary>
    public IDictionary<string, ActivityLimit> ActivityLimits { get; set; } = new Dictionary<string, ActivityLimit>(StringComparer.OrdinalIgnoreCase);

    /// <summary>Its cluster-wide limits by activity queue, counted apart from every other namespace's. Default: none.</summary>
    public IDictionary<string, ActivityLimit> QueueLimits { get; set; } = new Dictionary<string, ActivityLimit>(StringComparer.OrdinalIgnoreCase);
}
