using System.Net;
using Baton.Silo.Clustering;
using Baton.Silo.Storage.Postgres;
using Baton.TestingHost;
using Microsoft.Extensions.Options;
using Orleans;
using Orleans.Configuration;
using Orleans.Runtime;

namespace Baton.Silo.Tests.Stores;

/// <summary>Orleans' membership contract on Baton's PostgreSQL table: every change moves the table version, fenced by etags.</summary>
public sealed class PostgresMembershipTableTests : IAsyncLifetime
{
    private readonly PostgresSchemaScope _schema = PostgresSchemaScope.Create();
    private PostgresWorkflowStore? _store;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (_store is not null)
        {
            await _store.DisposeAsync();
            await _schema.DisposeAsync();
        }
    }

    [SkippableFact]
    public async Task RowsChangeOnlyWithTheEtagsTheyWereReadWith_AndEveryChangeMovesTheVersion()
    {
        var table = await OpenAsync();
        await table.InitializeMembershipTable(tryInitTableVersion: true);
        await table.InitializeMembershipTable(tryInitTableVersion: true); // a second silo starting: no harm
        var empty = await table.ReadAll();
        Assert.Empty(empty.Members);

        var silo = Entry(11111, SiloStatus.Joining);
        Assert.True(await table.InsertRow(silo, empty.Version.Next()));
        Assert.False(await table.InsertRow(Entry(22222, SiloStatus.Joining), empty.Version.Next())); // the version moved on
        var afterInsert = await table.ReadAll();
        Assert.False(await table.InsertRow(silo, afterInsert.Version.Next())); // the silo has a row
        Assert.Equal(afterInsert.Version.Version, (await table.ReadAll()).Version.Version); // and the failed insert moved nothing

        var (row, etag) = Assert.Single(afterInsert.Members);
        Assert.Equal((silo.SiloAddress, SiloStatus.Joining, 30000, "host"), (row.SiloAddress, row.Status, row.ProxyPort, row.HostName));
        row.Status = SiloStatus.Active;
        row.AddOrUpdateSuspector(Entry(33333, SiloStatus.Active).SiloAddress, new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc), 3);
        Assert.True(await table.UpdateRow(row, etag, afterInsert.Version.Next()));
        Assert.False(await table.UpdateRow(row, etag, (await table.ReadAll()).Version.Next())); // the row's etag moved on

        var read = await table.ReadRow(silo.SiloAddress);
        var (active, _) = Assert.Single(read.Members);
        Assert.Equal(SiloStatus.Active, active.Status);
        Assert.Equal(new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc), Assert.Single(active.SuspectTimes!).Item2);

        active.IAmAliveTime = new DateTime(2026, 2, 1, 0, 0, 0, DateTimeKind.Utc);
        await table.UpdateIAmAlive(active);
        Assert.Equal(active.IAmAliveTime, (await table.ReadRow(silo.SiloAddress)).Members[0].Item1.IAmAliveTime);
        Assert.Equal(read.Version.Version, (await table.ReadAll()).Version.Version);

        // A client finds the active silos' gateways.
        var gateways = new PostgresGatewayListProvider(
            Options.Create(new PostgresStoreOptions { ConnectionString = PostgresSchemaScope.ConnectionString!, Schema = _schema.Schema }),
            Options.Create(new ClusterOptions { ClusterId = "test" }), Options.Create(new GatewayOptions()));
        await gateways.InitializeGatewayListProvider();
        Assert.Equal([SiloAddress.New(IPAddress.Loopback, 30000, silo.SiloAddress.Generation).ToGatewayUri()], await gateways.GetGateways());
        await gateways.DisposeAsync();

        // Dead silos are cleaned up after a while; live ones stay.
        active.Status = SiloStatus.Dead;
        var current = await table.ReadRow(silo.SiloAddress);
        Assert.True(await table.UpdateRow(active, current.Members[0].Item2, current.Version.Next()));
        await table.CleanupDefunctSiloEntries(new DateTimeOffset(2026, 3, 1, 0, 0, 0, TimeSpan.Zero));
        Assert.Empty((await table.ReadAll()).Members);
    }

    private async Task<PostgresMembershipTable> OpenAsync()
    {
        Skip.If(PostgresSchemaScope.ConnectionString is null, PostgresSchemaScope.SkipReason);
        _store = new PostgresWorkflowStore(new PostgresStoreOptions { ConnectionString = PostgresSchemaScope.ConnectionString!, Schema = _schema.Schema }, 65536);
        return new PostgresMembershipTable(_store, Options.Create(new ClusterOptions { ClusterId = "test" }));
    }

    private static MembershipEntry Entry(int port, SiloStatus status) => new()
    {
        SiloAddress = SiloAddress.New(IPAddress.Loopback, port, 7),
        Status = status,
        ProxyPort = 30000,
        HostName = "host",
        SiloName = $"silo-{port}",
        StartTime = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc),
        IAmAliveTime = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc),
        SuspectTimes = [],
    };
}
