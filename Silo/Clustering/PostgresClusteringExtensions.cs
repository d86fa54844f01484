using Baton.Silo.Storage.Postgres;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Orleans;
using Orleans.Hosting;
using Orleans.Messaging;

namespace Baton.Silo.Clustering;

/// <summary>Orleans clustering through Baton's PostgreSQL schema: silos keep their membership there, clients find gateways there.</summary>
public static class PostgresClusteringExtensions
{
    /// <summary>
    /// Keeps the silo's Orleans membership in the PostgreSQL store's schema, so that silos sharing the store form one
    /// cluster. Needs <see cref="Hosting.BatonBuilder.UsePostgresStore"/>; the silo also needs endpoints that the others can
    /// reach (<c>ConfigureEndpoints</c>).
    /// </summary>
    /// <param name="silo">The silo builder.</param>
    /// <returns>The silo builder.</returns>
    public static ISiloBuilder UsePostgresClustering(this ISiloBuilder silo)
    {
        ArgumentNullException.ThrowIfNull(silo);
        silo.Services.TryAddSingleton<IMembershipTable, PostgresMembershipTable>();
        return silo;
    }

    /// <summary>Finds the gateways of a cluster whose membership is in PostgreSQL (<see cref="UsePostgresClustering(ISiloBuilder)"/>).</summary>
    /// <param name="client">The client builder.</param>
    /// <param name="configure">Sets the connection string and schema, as the silos have them.</param>
    /// <returns>The client builder.</returns>
    public static IClientBuilder UsePostgresClustering(this IClientBuilder client, Action<PostgresStoreOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(configure);
        client.Services.Configure(configure);
        client.Services.TryAddSingleton<IGatewayListProvider, PostgresGatewayListProvider>();
        return client;
    }
}
