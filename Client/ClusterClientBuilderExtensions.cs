using Baton.Serialization;
using Orleans.Serialization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Baton.Client;

/// <summary>Registers the Orleans-client <see cref="IWorkflowClient"/>.</summary>
public static class ClusterClientBuilderExtensions
{
    /// <summary>
    /// Adds <see cref="IWorkflowClient"/> as a <see cref="ClusterWorkflowClient"/> on this Orleans client (in the namespace
    /// its options name), <see cref="IWorkflowClientFactory"/> for the other namespaces, and the
    /// serialization of Baton's client records that the silos use too. Clustering (which silos to reach) is the Orleans
    /// client's own configuration: <c>UseLocalhostClustering</c>, or the cluster's membership store.
    /// </summary>
    /// <param name="client">The Orleans client builder (<c>UseOrleansClient</c>).</param>
    /// <param name="configure">Sets the client's options; null for the defaults.</param>
    /// <returns>The Orleans client builder.</returns>
    public static IClientBuilder AddBatonClusterClient(this IClientBuilder client, Action<ClusterWorkflowClientOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        var options = client.Services.AddOptions<ClusterWorkflowClientOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.Validate(o => { o.Validate(); return true; });
        client.Services.AddSerializer(serializer => serializer.AddBatonWireTypes());
        client.AddActivityPropagation(); // the caller's trace continues in the turns its calls bring
        client.Services.TryAddSingleton<IWorkflowClient>(sp =>
            new ClusterWorkflowClient(sp.GetRequiredService<IClusterClient>(), sp.GetRequiredService<IOptions<ClusterWorkflowClientOptions>>().Value));
        client.Services.TryAddSingleton<IWorkflowClientFactory>(sp =>
            new ClusterWorkflowClients(sp.GetRequiredService<IClusterClient>(), sp.GetRequiredService<IOptions<ClusterWorkflowClientOptions>>().Value));
        return client;
    }
}
