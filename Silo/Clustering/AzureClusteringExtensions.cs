using Baton.Silo.Storage.Azure;
using Microsoft.Extensions.Options;
using Orleans.Hosting;

namespace Baton.Silo.Clustering;

/// <summary>Orleans clustering on the Azure Storage account of Baton's Azure store, through Orleans' own Azure Table membership.</summary>
public static class AzureClusteringExtensions
{
    /// <summary>
    /// Keeps the silo's Orleans membership in the table <c>{prefix}Members</c> of the Azure store's account, so that silos
    /// sharing the store form one cluster. Needs <see cref="Hosting.BatonBuilder.UseAzureStore"/>; the silo also needs
    /// endpoints that the others can reach (<c>ConfigureEndpoints</c>).
    /// </summary>
    /// <param name="silo">The silo builder.</param>
    /// <returns>The silo builder.</returns>
    public static ISiloBuilder UseAzureClustering(this ISiloBuilder silo)
    {
        ArgumentNullException.ThrowIfNull(silo);
        return silo.UseAzureStorageClustering(membership => membership.Configure<IOptions<AzureStoreOptions>>((o, store) =>
        {
            o.TableServiceClient = new global::Azure.Data.Tables.TableServiceClient(store.Value.ConnectionString);
            o.TableName = store.Value.TablePrefix + "Members";
        }));
    }

    /// <summary>Finds the gateways of a cluster whose membership is in the Azure store's account (<see cref="UseAzureClustering(ISiloBuilder)"/>).</summary>
    /// <param name="client">The client builder.</param>
    /// <param name="configure">Sets the connection string and table prefix, as the silos have them.</param>
    /// <returns>The client builder.</returns>
    public static IClientBuilder UseAzureClustering(this IClientBuilder client, Action<AzureStoreOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(configure);
        var store = new AzureStoreOptions();
        configure(store);
        return client.UseAzureStorageClustering(o =>
        {
            o.TableServiceClient = new global::Azure.Data.Tables.TableServiceClient(store.ConnectionString);
            o.TableName = store.TablePrefix + "Members";
        });
    }
}
