using Baton.Grains.Storage;
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
    private readonly SqliteReaders _readers;
    private readonly Lock _initLock = new();
    private SqliteWriter? _writer;

    static SqliteWorkflowStore() => SQLitePCL.Batteries_V2.Init();

    public SqliteWorkflowStore(SqliteStoreOptions options, long largePayloadThresholdBytes, IPayloadCodec? codec = null)
    {
        _options = options;
        _payloads = new PayloadOffloader(largePayloadThresholdBytes, codec);
        var fullPath = System.IO.Path.GetFullPath(options.Path);
        Location = fullPath;
        _writeConnectionString = new SqliteConnectionStringBuilder { DataSource = fullPath, Mode = SqliteOpenMode.ReadWriteCreate, Pooling = false }.ToString();
        _readConnectionString = new SqliteConnectionStringBuilder { DataSource = fullPath, Mode = SqliteOpenMode.ReadOnly, Pooling = true }.ToString();
        _readers = new SqliteReaders(_readConnectionString);
    }

    public string Location { get; }

    public byte[] ClusterSecret { get; private set; } = [];

    /// <summary>The group-committing writer (for its counters).</summary>
    internal SqliteWriter Writer => _writer ?? throw new InvalidOperationException("The store is not initialized.");

    /// <summary>Opens the file once; the silo's start and Orleans' reminder service may both ask.</summary>
    public Task InitializeAsync(CancellationToken cancellationToken)
    {
        lock (_initLock)
        {
            if (_writer is null)
            {
                Initialize();
            }
        }

        return Task.CompletedTask;
    }

    private void Initialize()
    {
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
            // First, so that the journal switch and the schema check wait for another silo opening the same file.
            Pragma(connection, "PRAGMA busy_timeout=10000");
            Pragma(connection, "PRAGMA journal_mode=WAL");
            Pragma(connection, _options.Durability == SqliteDurability.Synced ? "PRAGMA synchronous=FULL" : "PRAGMA synchronous=NORMAL");
            Pragma(connection, "PRAGMA foreign_keys=OFF");
            ClusterSecret = SqliteSchema.Ensure(connection, Location);
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
    }

    public Task<InstanceRow?> GetInstanceAsync(string instanceId, CancellationToken cancellationToken)
    {
        using var session = _readers.Rent();
        using var reader = session.Command($"SELECT {InstanceColumns} FROM instances WHERE instance_id = $id", ("$id", instanceId)).ExecuteReader();
        return Task.FromResult(reader.Read() ? ReadInstance(reader, session.Connection) : null);
    }

    public Task<IReadOnlyList<HistoryEvent>> GetHistoryAsync(string instanceId, CancellationToken cancellationToken)
    {
        using var session = _readers.Rent();
        using var reader = session.Command($"SELECT event FROM history WHERE instance_number = {NumberOf} ORDER BY position", ("$id", instanceId)).ExecuteReader();
        var events = new List<HistoryEvent>();
        while (reader.Read())
        {
            events.Add(ReadEvent(reader.GetString(0), instanceId, session.Connection));
        }

        return Task.FromResult<IReadOnlyList<HistoryEvent>>(events);
    }

    public Task<IReadOnlyList<(long Position, HistoryEvent Event)>> GetHistoryAfterAsync(string instanceId, long afterPosition, int limit, CancellationToken cancellationToken)
    {
        using var connection = OpenReader();
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT position, event FROM history WHERE instance_number = {NumberOf} AND position > $after ORDER BY position LIMIT $limit";
        command.Parameters.AddWithValue("$id", instanceId);
        command.Parameters.AddWithValue("$after", afterPosition);
        command.Parameters.AddWithValue("$limit", limit);
        using var reader = command.ExecuteReader();
        var events = new List<(long, HistoryEvent)>();
        while (reader.Read())
        {
            events.Add((reader.GetInt64(0), ReadEvent(reader.GetString(1), instanceId, connection)));
        }

        return Task.FromResult<IReadOnlyList<(long Position, HistoryEvent Event)>>(events);
    }

    public Task<IReadOnlyList<InboxMessage>> GetMessagesAsync(string instanceId, int limit, CancellationToken cancellationToken)
    {
        using var session = _readers.Rent();
        using var reader = session.Command(
            "SELECT id, visible_at, body FROM messages WHERE instance_id = $id ORDER BY visible_at, id LIMIT $limit", ("$id", instanceId), ("$limit", limit)).ExecuteReader();
        var messages = new List<InboxMessage>();
        while (reader.Read())
        {
            messages.Add(new InboxMessage(reader.GetInt64(0), instanceId, new DateTime(reader.GetInt64(1), DateTimeKind.Utc),
                ReadEvent(reader.GetString(2), instanceId, session.Connection)));
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

        _readers.Dispose();
        SqliteConnection.ClearAllPools();
    }

    internal const string InstanceColumns = StoredRows.InstanceColumns;

    /// <summary>The number of the instance whose id is <c>$id</c>: the key of its history and work items.</summary>
    private const string NumberOf = "(SELECT number FROM instances WHERE instance_id = $id)";

    internal InstanceRow ReadInstance(SqliteDataReader reader, SqliteConnection connection)
    {
        var row = StoredRows.Instance(reader);
        string? Resolve(string? stored) => _payloads.Resolve(stored, h => LoadPayload(connection, row.InstanceId, h));
        return row with { Input = Resolve(row.Input), Output = Resolve(row.Output) };
    }

    /// <summary>Deserialises a stored event, resolving its payload references.</summary>
    private HistoryEvent ReadEvent(string json, string instanceId, SqliteConnection connection)
    {
        var e = JsonSerializer.Deserialize<HistoryEvent>(json, BatonJson.Options)!;
        return PayloadOffloader.MayReference(json) ? _payloads.Resolve(e, h => LoadPayload(connection, instanceId, h)) : e;
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
