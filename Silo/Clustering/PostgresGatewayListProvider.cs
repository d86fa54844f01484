using Baton.Silo.Storage.Postgres;
using Microsoft.Extensions.Options;
using Npgsql;
using Orleans.Configuration;
using Orleans.Messaging;
using Orleans.Runtime;

namespace Baton.Silo.Clustering;

/// <summary>
/// The gateways of a cluster whose membership is in PostgreSQL, for an Orleans client (an API front end without a silo):
/// the active silos with a gateway port. It needs only the connection string and schema, not a store.
/// </summary>
internal sealed class PostgresGatewayListProvider(IOptions<PostgresStoreOptions> store, IOptions<ClusterOptions> cluster, IOptions<GatewayOptions> gateway)
    : IGatewayListProvider, IAsyncDisposable
{
    private NpgsqlDataSource? _dataSource;

    public TimeSpan MaxStaleness => gateway.Value.GatewayListRefreshPeriod;

    public bool IsUpdatable => true;

    public Task InitializeGatewayListProvider()
    {
        var builder = new NpgsqlDataSourceBuilder(store.Value.ConnectionString);
        builder.ConnectionStringBuilder.SearchPath = store.Value.Schema;
        _dataSource = builder.Build();
        return Task.CompletedTask;
    }

    public async Task<IList<Uri>> GetGateways()
    {
        var dataSource = _dataSource ?? throw new InvalidOperationException("The gateway list provider is not initialized.");
        await using var connection = await dataSource.OpenConnectionAsync().ConfigureAwait(false);
        await using var command = PostgresStatement.For("SELECT address, proxy_port FROM membership WHERE cluster_id = $c AND status = $active AND proxy_port > 0")
            .Command(connection, [cluster.Value.ClusterId, (int)SiloStatus.Active]);
        await using var reader = await command.ExecuteReaderAsync().ConfigureAwait(false);
        var gateways = new List<Uri>();
        while (await reader.ReadAsync().ConfigureAwait(false))
        {
            var silo = SiloAddress.FromParsableString(reader.GetString(0));
            gateways.Add(SiloAddress.New(silo.Endpoint.Address, reader.GetInt32(1), silo.Generation).ToGatewayUri());
        }

        return gateways;
    }

    public async ValueTask DisposeAsync()
    {
        if (_dataSource is not null)
        {
            await _dataSource.DisposeAsync().ConfigureAwait(false);
        }
    }
}
