using System.Collections.Concurrent;

namespace Baton.Grains.Runtime;

/// <summary>The <see cref="IWorkflowClientFactory"/> of a process that hosts a silo: one <see cref="SiloWorkflowClient"/> per declared namespace.</summary>
internal sealed class SiloWorkflowClients(IGrainFactory grains, InstanceServices services) : IWorkflowClientFactory
{
    private readonly ConcurrentDictionary<string, SiloWorkflowClient> _clients = new(StringComparer.Ordinal);

    public IWorkflowClient ForNamespace(string? namespaceName)
    {
        var canonical = services.Namespaces.Resolve(namespaceName);
        return _clients.GetOrAdd(canonical, name => new SiloWorkflowClient(grains, services, name));
    }
}
