namespace Baton;

/// <summary>
/// Clients for the namespaces of a cluster, registered in a silo's host and by <c>AddBatonClusterClient</c> (over HTTP,
/// set <c>BatonClientOptions.Namespace</c> instead). The <see cref="IWorkflowClient"/> registered beside this factory works in
/// <see cref="WorkflowNamespaces.Default"/>; <see cref="ForNamespace"/> gives one that works in another namespace, where
/// instance ids, listings, counts, purges and workflows are that namespace's alone.
/// </summary>
public interface IWorkflowClientFactory
{
    /// <summary>A client that works in <paramref name="namespaceName"/> (case-insensitive; null for the default namespace).</summary>
    /// <param name="namespaceName">The namespace.</param>
    /// <returns>The client; the same one for the same namespace.</returns>
    /// <exception cref="ArgumentException">The name is not a valid namespace name.</exception>
    /// <exception cref="NamespaceNotFoundException">The cluster declares no such namespace (the HTTP and cluster clients find out on their first call).</exception>
    IWorkflowClient ForNamespace(string? namespaceName);
}
