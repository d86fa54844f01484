using System.Collections.Concurrent;

namespace Baton.Client;

/// <summary>The <see cref="IWorkflowClientFactory"/> of an Orleans client: a <see cref="ClusterWorkflowClient"/> per namespace.</summary>
/// <param name="cluster">The connected Orleans client.</param>
/// <param name="options">The options every client shares but for its namespace.</param>
internal sealed class ClusterWorkflowClients(IClusterClient cluster, ClusterWorkflowClientOptions options) : IWorkflowClientFactory
{
    private readonly ConcurrentDictionary<string, ClusterWorkflowClient> _clients = new(StringComparer.Ordinal);

    public IWorkflowClient ForNamespace(string? namespaceName) =>
        _clients.GetOrAdd(WorkflowNamespaces.Normalize(namespaceName), name => new ClusterWorkflowClient(cluster, new ClusterWorkflowClientOptions
        {
            LongPollInterval = options.LongPollInterval,
            Namespace = name,
        }));
}
