using System.Globalization;
using System.Text.Json;
using Baton.History;
using Baton.Serialization;
using Microsoft.Data.Sqlite;

namespace Baton.Silo.Storage.Sqlite;

/// <summary>The embedded store: one SQLite file in WAL mode, one group-committing writer, pooled readers.</summary>
internal sealed partial class SqliteWorkflowStore : IWorkflowStore
{
    private const int SqliteNotADatabase = 26;
    private const int SqliteCorrupt = 11;

    private readonly SqliteStoreOptions _options;
    private readonly PayloadOffloader _payloads;
    private readonly string _readConnectionString;
    private readonly string _writeConnectionString;
    private SqliteWriter? _writer;
    private int _partitionCount;

    static SqliteWorkflowStore() => SQLitePCL.Batteries_V2.Init();

    public SqliteWorkflowStore(SqliteStoreOptions options, long largePayloadThresholdBytes)
    {
        _options = options;
        _payloads = new PayloadOffloader(largePayloadThresholdBytes);
        var fullPath = System.IO.Path.GetFullPath(options.Path);
        Location = fullPath;
        _writeConnectionString = new SqliteConnectionStringBuilder { DataSource = fullPath, Mode = SqliteOpenMode.ReadWriteCreate, Pooling = false }.ToString();
        _readConnectionString = new SqliteConnectionStringBuilder { DataSource = fullPath, Mode = SqliteOpenMode.ReadOnly, Pooling = true }.ToString();
    }

    public string Location { get; }

    public event Action<int>? MessagesAdded;

    public byte[] ClusterSecret { get; private set; } = [];

    /// <summary>The group-committing writer (for its counters).</summary>
    internal SqliteWriter Writer => _writer ?? throw new InvalidOperationException("The store is not initialized.");

    public async Task InitializeAsync(int partitionCount, CancellationToken cancellationToken)
    {
        _partitionCount = partitionCount;
        var directory = System.IO.Path.GetDirectoryName(Location);
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }

        SqliteConnection? connection = null;
        try
        {
            connection = new SqliteConnection(_writeConnectionString);
            connection.Open();
            Pragma(connection, "PRAGMA journal_mode=WAL");
            Pragma(connection, _options.Durability == SqliteDurability.Synced ? "PRAGMA synchronous=FULL" : "PRAGMA synchronous=NORMAL");
            Pragma(connection, "PRAGMA busy_timeout=10000");
            Pragma(connection, "PRAGMA foreign_keys=OFF");
            ClusterSecret = SqliteSchema.Ensure(connection, Location, partitionCount);
        }
        catch (SqliteException ex) when (ex.SqliteErrorCode is SqliteNotADatabase or SqliteCorrupt)
        {
            connection?.Dispose();
            throw new StoreIncompatibleException(Location, "the file is not a SQLite database, or it is corrupt.", ex);
        }
        catch
        {
            connection?.Dispose();
            throw;
        }

        _writer = new SqliteWriter(connection, _options.MaxWritesPerCommit);
        await Task.CompletedTask.ConfigureAwait(false);
    }

    public Task RegisterSiloAsync(string siloId, string host, int processId, DateTime now, CancellationToken cancellationToken) =>
        Writer.WriteAsync(w => w.Statement("""
            INSERT INTO silos (silo_id, host, process_id, started_at, heartbeat_at, active) VALUES ($id, $host, $pid, $now, $now, 1)
            ON CONFLICT (silo_id) DO UPDATE SET heartbeat_at = $now, active = 1
            """).Execute(siloId, host, processId, now.Ticks));

    public Task<LeaseRound> RenewLeasesAsync(string siloId, IReadOnlyDictionary<int, long> held, DateTime now, TimeSpan leaseDuration, CancellationToken cancellationToken) =>
        Writer.WriteAsync(w =>
        {
            var until = (now + leaseDuration).Ticks;
            w.Statement("UPDATE silos SET heartbeat_at = $now, active = 1 WHERE silo_id = $id").Execute(now.Ticks, siloId);

            var lost = new List<int>();
            var kept = new Dictionary<int, long>();
            var renew = w.Statement("UPDATE partitions SET lease_until = $until WHERE partition = $p AND owner = $owner AND epoch = $epoch");
            foreach (var (partition, epoch) in held)
            {
                if (renew.Execute(until, partition, siloId, epoch) == 1)
                {
                    kept[partition] = epoch;
                }
                else
                {
                    lost.Add(partition);
                }
            }

            var liveSilos = Convert.ToInt32(w.Statement("SELECT count(*) FROM silos WHERE active = 1 AND heartbeat_at >= $live")
                .Scalar((now - leaseDuration).Ticks), CultureInfo.InvariantCulture);
            var fairShare = (_partitionCount + Math.Max(1, liveSilos) - 1) / Math.Max(1, liveSilos);
            var acquired = new Dictionary<int, long>();
            if (kept.Count < fairShare)
            {
                var free = new List<int>();
                using (var reader = w.Statement("SELECT partition FROM partitions WHERE owner IS NULL OR lease_until < $now ORDER BY partition LIMIT $n")
                    .Query(now.Ticks, fairShare - kept.Count))
                {
                    while (reader.Read())
                    {
                        free.Add(reader.GetInt32(0));
                    }
                }

                var take = w.Statement("""
                    UPDATE partitions SET owner = $owner, epoch = epoch + 1, lease_until = $until
                    WHERE partition = $p AND (owner IS NULL OR lease_until < $now)
                    RETURNING epoch
                    """);
                foreach (var partition in free)
                {
                    if (take.Scalar(siloId, until, partition, now.Ticks) is long epoch)
                    {
                        acquired[partition] = epoch;
                    }
                }
            }

            return new LeaseRound(acquired, lost);
        });

    public Task ReleaseAsync(string siloId, CancellationToken cancellationToken) =>
        Writer.WriteAsync(w =>
        {
            w.Statement("UPDATE partitions SET owner = NULL, lease_until = 0 WHERE owner = $id").Execute(siloId);
            w.Statement("UPDATE work_items SET lease_owner = NULL WHERE lease_owner = $id").Execute(siloId);
            return w.Statement("UPDATE silos SET active = 0 WHERE silo_id = $id").Execute(siloId);
        });

    public Task<InstanceRow?> GetInstanceAsync(string instanceId, CancellationToken cancellationToken)
    {
        using var connection = OpenReader();
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {InstanceColumns} FROM instances WHERE instance_id = $id";
        command.Parameters.AddWithValue("$id", instanceId);
        using var reader = command.ExecuteReader();
        return Task.FromResult(reader.Read() ? ReadInstance(reader, connection) : null);
    }

    public Task<IReadOnlyList<HistoryEvent>> GetHistoryAsync(string instanceId, CancellationToken cancellationToken)
    {
        using var connection = OpenReader();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT event FROM history WHERE instance_id = $id ORDER BY position";
        command.Parameters.AddWithValue("$id", instanceId);
        using var reader = command.ExecuteReader();
        var events = new List<HistoryEvent>();
        while (reader.Read())
        {
            events.Add(ReadEvent(reader.GetString(0), instanceId, connection));
        }

        return Task.FromResult<IReadOnlyList<HistoryEvent>>(events);
    }

    public Task<IReadOnlyList<InboxMessage>> GetMessagesAsync(int partition, DateTime visibleBefore, int limit, CancellationToken cancellationToken)
    {
        using var connection = OpenReader();
        using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT id, instance_id, visible_at, body FROM messages
            WHERE partition = $p AND visible_at < $before ORDER BY visible_at, id LIMIT $limit
            """;
        command.Parameters.AddWithValue("$p", partition);
        command.Parameters.AddWithValue("$before", visibleBefore.Ticks);
        command.Parameters.AddWithValue("$limit", limit);
        using var reader = command.ExecuteReader();
        var messages = new List<InboxMessage>();
        while (reader.Read())
        {
            var instanceId = reader.GetString(1);
            messages.Add(new InboxMessage(reader.GetInt64(0), instanceId, new DateTime(reader.GetInt64(2), DateTimeKind.Utc),
                ReadEvent(reader.GetString(3), instanceId, connection)));
        }

        return Task.FromResult<IReadOnlyList<InboxMessage>>(messages);
    }

    public async ValueTask DisposeAsync()
    {
        if (_writer is not null)
        {
            await _writer.DisposeAsync().ConfigureAwait(false);
            _writer = null;
        }

        SqliteConnection.ClearAllPools();
    }

    internal const string InstanceColumns =
        "instance_id, name, status, created_at, updated_at, completed_at, input, output, failure, version, parent_instance_id, custom_status, status_reason";

    internal static InstanceRow ReadInstance(SqliteDataReader reader, SqliteConnection connection)
    {
        var instanceId = reader.GetString(0);
        string? Payload(int column) => reader.IsDBNull(column) ? null : PayloadOffloader.Resolve(reader.GetString(column), h => LoadPayload(connection, instanceId, h));
        return new InstanceRow(
            instanceId,
            reader.GetString(1),
            (WorkflowRuntimeStatus)reader.GetInt32(2),
            new DateTime(reader.GetInt64(3), DateTimeKind.Utc),
            new DateTime(reader.GetInt64(4), DateTimeKind.Utc),
            reader.IsDBNull(5) ? null : new DateTime(reader.GetInt64(5), DateTimeKind.Utc),
            Payload(6),
            Payload(7),
            reader.IsDBNull(8) ? null : JsonSerializer.Deserialize<FailureDetails>(reader.GetString(8), BatonJson.Options))
        {
            Version = reader.GetInt32(9),
            ParentInstanceId = reader.IsDBNull(10) ? null : reader.GetString(10),
            CustomStatus = reader.IsDBNull(11) ? null : reader.GetString(11),
            StatusReason = reader.IsDBNull(12) ? null : reader.GetString(12),
        };
    }

    /// <summary>Deserialises a stored event, resolving its payload references.</summary>
    private static HistoryEvent ReadEvent(string json, string instanceId, SqliteConnection connection)
    {
        var e = JsonSerializer.Deserialize<HistoryEvent>(json, BatonJson.Options)!;
        return PayloadOffloader.MayReference(json) ? PayloadOffloader.Resolve(e, h => LoadPayload(connection, instanceId, h)) : e;
    }

    private static string LoadPayload(SqliteConnection connection, string instanceId, string hash)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT data FROM payloads WHERE instance_id = $id AND hash = $hash";
        command.Parameters.AddWithValue("$id", instanceId);
        command.Parameters.AddWithValue("$hash", hash);
        return command.ExecuteScalar() as string ?? throw new InvalidOperationException($"The payload {hash} of instance '{instanceId}' is missing from the store.");
    }

    private string Serialize(HistoryEvent e, string instanceId, List<PayloadRow> payloads) =>
        JsonSerializer.Serialize(_payloads.Offload(e, instanceId, payloads), BatonJson.Options);

    private SqliteConnection OpenReader()
    {
        var connection = new SqliteConnection(_readConnectionString);
        connection.Open();
        return connection;
    }

    private static void Pragma(SqliteConnection connection, string pragma)
    {
        using var command = connection.CreateCommand();
        command.CommandText = pragma;
        command.ExecuteNonQuery();
    }
}
