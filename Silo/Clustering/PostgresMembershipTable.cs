using System.Globalization;
using Baton.Silo.Storage.Postgres;
using Microsoft.Extensions.Options;
using Npgsql;
using Orleans;
using Orleans.Configuration;
using Orleans.Runtime;

namespace Baton.Silo.Clustering;

/// <summary>
/// Orleans' membership table in the PostgreSQL store's schema, so that silos on several machines find each other through
/// the database they already share. Every change of a row also moves the table version, fenced by etags, in one
/// transaction, as Orleans' membership protocol requires. It uses connections of its own rather than the store's writer:
/// membership must keep moving however busy the writer is.
/// </summary>
internal sealed class PostgresMembershipTable(PostgresWorkflowStore store, IOptions<ClusterOptions> cluster) : IMembershipTable
{
    private readonly string _clusterId = cluster.Value.ClusterId;

    public async Task InitializeMembershipTable(bool tryInitTableVersion)
    {
        await store.InitializeAsync(CancellationToken.None).ConfigureAwait(false);
        if (tryInitTableVersion)
        {
            await using var connection = await store.DataSource.OpenConnectionAsync().ConfigureAwait(false);
            await ExecuteAsync(connection, "INSERT INTO membership_version (cluster_id, version, etag) VALUES ($c, 0, 0) ON CONFLICT DO NOTHING", _clusterId).ConfigureAwait(false);
        }
    }

    public async Task DeleteMembershipTableEntries(string clusterId)
    {
        await using var connection = await store.DataSource.OpenConnectionAsync().ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync().ConfigureAwait(false);
        await ExecuteAsync(connection, "DELETE FROM membership WHERE cluster_id = $c", clusterId).ConfigureAwait(false);
        await ExecuteAsync(connection, "DELETE FROM membership_version WHERE cluster_id = $c", clusterId).ConfigureAwait(false);
        await transaction.CommitAsync().ConfigureAwait(false);
    }

    public async Task CleanupDefunctSiloEntries(DateTimeOffset beforeDate)
    {
        await using var connection = await store.DataSource.OpenConnectionAsync().ConfigureAwait(false);
        await ExecuteAsync(connection, "DELETE FROM membership WHERE cluster_id = $c AND status = $dead AND i_am_alive < $before",
            _clusterId, (int)SiloStatus.Dead, beforeDate.UtcTicks).ConfigureAwait(false);
    }

    public Task<MembershipTableData> ReadRow(SiloAddress key) => ReadAsync(key);

    public Task<MembershipTableData> ReadAll() => ReadAsync(null);

    public async Task<bool> InsertRow(MembershipEntry entry, TableVersion tableVersion)
    {
        await using var connection = await store.DataSource.OpenConnectionAsync().ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync().ConfigureAwait(false);
        if (!await MoveVersionAsync(connection, tableVersion).ConfigureAwait(false))
        {
            return false;
        }

        var inserted = await ExecuteAsync(connection, """
            INSERT INTO membership (cluster_id, address, silo_name, host_name, status, proxy_port, suspect_times, start_time, i_am_alive, etag)
            VALUES ($c, $address, $silo, $host, $status, $proxy, $suspects, $start, $alive, 0) ON CONFLICT DO NOTHING
            """, _clusterId, entry.SiloAddress.ToParsableString(), entry.SiloName ?? "", entry.HostName ?? "", (int)entry.Status, entry.ProxyPort,
            SuspectTimes.Format(entry.SuspectTimes), entry.StartTime.ToUniversalTime().Ticks, entry.IAmAliveTime.ToUniversalTime().Ticks).ConfigureAwait(false);
        if (inserted == 0)
        {
            return false; // The silo has a row already; the transaction rolls back with the version.
        }

        await transaction.CommitAsync().ConfigureAwait(false);
        return true;
    }

    public async Task<bool> UpdateRow(MembershipEntry entry, string etag, TableVersion tableVersion)
    {
        if (!long.TryParse(etag, NumberStyles.None, CultureInfo.InvariantCulture, out var rowEtag))
        {
            return false;
        }

        await using var connection = await store.DataSource.OpenConnectionAsync().ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync().ConfigureAwait(false);
        if (!await MoveVersionAsync(connection, tableVersion).ConfigureAwait(false))
        {
            return false;
        }

        var updated = await ExecuteAsync(connection, """
            UPDATE membership SET status = $status, suspect_times = $suspects, i_am_alive = $alive, proxy_port = $proxy,
                silo_name = $silo, host_name = $host, start_time = $start, etag = etag + 1
            WHERE cluster_id = $c AND address = $address AND etag = $etag
            """, (int)entry.Status, SuspectTimes.Format(entry.SuspectTimes), entry.IAmAliveTime.ToUniversalTime().Ticks, entry.ProxyPort,
            entry.SiloName ?? "", entry.HostName ?? "", entry.StartTime.ToUniversalTime().Ticks, _clusterId, entry.SiloAddress.ToParsableString(), rowEtag).ConfigureAwait(false);
        if (updated == 0)
        {
            return false;
        }

        await transaction.CommitAsync().ConfigureAwait(false);
        return true;
    }

    public async Task UpdateIAmAlive(MembershipEntry entry)
    {
        await using var connection = await store.DataSource.OpenConnectionAsync().ConfigureAwait(false);
        await ExecuteAsync(connection, "UPDATE membership SET i_am_alive = $alive WHERE cluster_id = $c AND address = $address",
            entry.IAmAliveTime.ToUniversalTime().Ticks, _clusterId, entry.SiloAddress.ToParsableString()).ConfigureAwait(false);
    }

    /// <summary>Reads one silo's row, or all, together with the table version, in one statement (one snapshot).</summary>
    private async Task<MembershipTableData> ReadAsync(SiloAddress? key)
    {
        await using var connection = await store.DataSource.OpenConnectionAsync().ConfigureAwait(false);
        await using var command = PostgresStatement.For("""
            SELECT v.version, v.etag, m.address, m.silo_name, m.host_name, m.status, m.proxy_port, m.suspect_times, m.start_time, m.i_am_alive, m.etag
            FROM membership_version v
            LEFT JOIN membership m ON m.cluster_id = v.cluster_id AND ($address::text IS NULL OR m.address = $address::text)
            WHERE v.cluster_id = $c
            """).Command(connection, [key?.ToParsableString(), _clusterId]);
        await using var reader = await command.ExecuteReaderAsync().ConfigureAwait(false);
        var members = new List<Tuple<MembershipEntry, string>>();
        var version = new TableVersion(0, "0");
        while (await reader.ReadAsync().ConfigureAwait(false))
        {
            version = new TableVersion(reader.GetInt32(0), reader.GetInt64(1).ToString(CultureInfo.InvariantCulture));
            if (reader.IsDBNull(2))
            {
                continue;
            }

            var entry = new MembershipEntry
            {
                SiloAddress = SiloAddress.FromParsableString(reader.GetString(2)),
                SiloName = reader.GetString(3),
                HostName = reader.GetString(4),
                Status = (SiloStatus)reader.GetInt32(5),
                ProxyPort = reader.GetInt32(6),
                SuspectTimes = SuspectTimes.Parse(reader.IsDBNull(7) ? null : reader.GetString(7)),
                StartTime = new DateTime(reader.GetInt64(8), DateTimeKind.Utc),
                IAmAliveTime = new DateTime(reader.GetInt64(9), DateTimeKind.Utc),
            };
            members.Add(Tuple.Create(entry, reader.GetInt64(10).ToString(CultureInfo.InvariantCulture)));
        }

        return new MembershipTableData(members, version);
    }

    /// <summary>Sets the table version if its etag is still the one the caller read; false (nothing written) otherwise.</summary>
    private async Task<bool> MoveVersionAsync(NpgsqlConnection connection, TableVersion tableVersion) =>
        long.TryParse(tableVersion.VersionEtag, NumberStyles.None, CultureInfo.InvariantCulture, out var etag)
        && await ExecuteAsync(connection, "UPDATE membership_version SET version = $version, etag = etag + 1 WHERE cluster_id = $c AND etag = $etag",
            tableVersion.Version, _clusterId, etag).ConfigureAwait(false) == 1;

    private static async Task<int> ExecuteAsync(NpgsqlConnection connection, string sql, params object?[] values)
    {
        await using var command = PostgresStatement.For(sql).Command(connection, values);
        return await command.ExecuteNonQueryAsync().ConfigureAwait(false);
    }
}
