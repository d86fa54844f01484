using System.Text.Json;
using Baton.Grains.Storage;
using Baton.History;
using Baton.Serialization;
using Npgsql;

namespace Baton.Silo.Storage.Postgres;

/// <summary>
/// The store that several silos share: PostgreSQL, two group-committing writer connections per silo (one for the turns
/// that keep their instance's status, one for every other write), pooled readers.
/// Instances are fenced by revision as in SQLite; silos learn of each other's work through Orleans messages, and poll
/// only for activity work on queues that no silo took at once.
/// </summary>
internal sealed partial class PostgresWorkflowStore : IWorkflowStore
{
    private readonly PostgresStoreOptions _options;
    private readonly PayloadOffloader _payloads;
    private readonly NpgsqlDataSource _dataSource;
    private readonly SemaphoreSlim _initLock = new(1, 1);
    private PostgresWriter? _writer;
    private PostgresWriter? _steadyTurnWriter;

    public PostgresWorkflowStore(PostgresStoreOptions options, long largePayloadThresholdBytes, IPayloadCodec? codec = null)
    {
        if (string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            throw new ArgumentException("The PostgreSQL store needs a connection string (PostgresStoreOptions.ConnectionString).", nameof(options));
        }

        if (string.IsNullOrWhiteSpace(options.Schema))
        {
            throw new ArgumentException("The PostgreSQL store needs a schema name (PostgresStoreOptions.Schema).", nameof(options));
        }

        _options = options;
        _payloads = new PayloadOffloader(largePayloadThresholdBytes, codec);
        var builder = new NpgsqlDataSourceBuilder(options.ConnectionString);
        builder.ConnectionStringBuilder.SearchPath = options.Schema;
        builder.ConnectionStringBuilder.MaxAutoPrepare = Math.Max(builder.ConnectionStringBuilder.MaxAutoPrepare, 128);
        builder.ConnectionStringBuilder.AutoPrepareMinUsages = 2;

        // Nothing here leaves state in a session (no SET outside a transaction, no session locks, no LISTEN), so the reset
        // Npgsql sends with the first command on a pooled connection would be three statements of nothing per read.
        builder.ConnectionStringBuilder.NoResetOnClose = true;
        Location = $"{builder.ConnectionStringBuilder.Host}:{builder.ConnectionStringBuilder.Port}/{builder.ConnectionStringBuilder.Database}, schema {options.Schema}";
        _dataSource = builder.Build();
    }

    public string Location { get; }

    public byte[] ClusterSecret { get; private set; } = [];

    /// <summary>The group-committing writer of every write that may log a status event, and of those that read as they go.</summary>
    internal PostgresWriter Writer => _writer ?? throw new InvalidOperationException("The store is not initialized.");

    /// <summary>
    /// The writer of the turns that keep their instance's status: most turns of a running instance. Status events are
    /// numbered under a transaction lock held to the commit (so that a follower of the log never skips one that commits
    /// late), which puts every transaction that logs one after the last; these turns log none, so their transactions
    /// run beside <see cref="Writer"/>'s instead of queueing behind them. An instance has one commit in flight at a time,
    /// so its turns keep their order whichever connection carries them.
    /// </summary>
    internal PostgresWriter SteadyTurnWriter => _steadyTurnWriter ?? throw new InvalidOperationException("The store is not initialized.");

    /// <summary>The connections of this store, for the membership and reminder tables that live beside it.</summary>
    internal NpgsqlDataSource DataSource => _dataSource;

    /// <summary>Creates or checks the schema once; the silo's start and Orleans' membership and reminder services may all ask.</summary>
    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        await _initLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_writer is not null)
            {
                return;
            }

            await using (var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false))
            {
                ClusterSecret = PostgresSchema.Ensure(connection, _options.Schema, Location);
            }

            _writer = new PostgresWriter(_dataSource, _options.MaxWritesPerCommit);
            _steadyTurnWriter = new PostgresWriter(_dataSource, _options.MaxWritesPerCommit);
        }
        finally
        {
            _initLock.Release();
        }
    }

    public async Task<InstanceRow?> GetInstanceAsync(string instanceId, CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var rows = await ReadInstancesAsync(connection, $"SELECT {InstanceColumns} FROM instances WHERE instance_id = $id", [instanceId], cancellationToken).ConfigureAwait(false);
        return rows.Count == 0 ? null : rows[0];
    }

    public async Task<IReadOnlyList<HistoryEvent>> GetHistoryAsync(string instanceId, CancellationToken cancellationToken)
    {
        var events = await ReadEventsAsync(instanceId, "SELECT position, event FROM history WHERE instance_id = $id ORDER BY position", [instanceId], cancellationToken).ConfigureAwait(false);
        return events.Select(e => e.Event).ToList();
    }

    public async Task<IReadOnlyList<(long Position, HistoryEvent Event)>> GetHistoryAfterAsync(string instanceId, long afterPosition, int limit, CancellationToken cancellationToken) =>
        await ReadEventsAsync(instanceId, "SELECT position, event FROM history WHERE instance_id = $id AND position > $after ORDER BY position LIMIT $limit",
            [instanceId, (int)Math.Min(afterPosition, int.MaxValue), (long)limit], cancellationToken).ConfigureAwait(false);

    public async Task<IReadOnlyList<InboxMessage>> GetMessagesAsync(string instanceId, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var rows = new List<(long Id, long VisibleAt, string Body)>();
        await using (var command = PostgresStatement.For("SELECT id, visible_at, body FROM messages WHERE instance_id = $id ORDER BY visible_at, id LIMIT $limit")
            .Command(connection, [instanceId, (long)limit]))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                rows.Add((reader.GetInt64(0), reader.GetInt64(1), reader.GetString(2)));
            }
        }

        var events = await ResolveEventsAsync(connection, instanceId, rows.Select(r => r.Body).ToList(), cancellationToken).ConfigureAwait(false);
        return rows.Select((r, i) => new InboxMessage(r.Id, instanceId, new DateTime(r.VisibleAt, DateTimeKind.Utc), events[i])).ToList();
    }

    public async ValueTask DisposeAsync()
    {
        if (_writer is not null)
        {
            await _writer.DisposeAsync().ConfigureAwait(false);
            _writer = null;
        }

        if (_steadyTurnWriter is not null)
        {
            await _steadyTurnWriter.DisposeAsync().ConfigureAwait(false);
            _steadyTurnWriter = null;
        }

        await _dataSource.DisposeAsync().ConfigureAwait(false);
        _initLock.Dispose();
    }

    internal const string InstanceColumns = StoredRows.InstanceColumns;

    /// <summary>Reads instance rows (the query selects <see cref="InstanceColumns"/>), then their offloaded payloads.</summary>
    private async Task<List<InstanceRow>> ReadInstancesAsync(NpgsqlConnection connection, string sql, object?[] values, CancellationToken cancellationToken)
    {
        var rows = new List<InstanceRow>();
        await using (var command = PostgresStatement.For(sql).Command(connection, values))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                rows.Add(StoredRows.Instance(reader));
            }
        }

        var references = rows.SelectMany(r => new[] { (r.InstanceId, PayloadOffloader.ReferencedHash(r.Input)), (r.InstanceId, PayloadOffloader.ReferencedHash(r.Output)) })
            .Where(r => r.Item2 is not null).Select(r => (r.InstanceId, r.Item2!)).ToList();
        if (references.Count == 0 && !rows.Exists(r => PayloadCodec.IsEncoded(r.Input) || PayloadCodec.IsEncoded(r.Output)))
        {
            return rows;
        }

        var payloads = references.Count == 0 ? [] : await LoadPayloadsAsync(connection, references, cancellationToken).ConfigureAwait(false);
        return rows.Select(r => r with
        {
            Input = _payloads.Resolve(r.Input, h => payloads[(r.InstanceId, h)]),
            Output = _payloads.Resolve(r.Output, h => payloads[(r.InstanceId, h)]),
        }).ToList();
    }

    private async Task<List<(long Position, HistoryEvent Event)>> ReadEventsAsync(string instanceId, string sql, object?[] values, CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var rows = new List<(long Position, string Json)>();
        await using (var command = PostgresStatement.For(sql).Command(connection, values))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                rows.Add((reader.GetInt32(0), reader.GetString(1)));
            }
        }

        var events = await ResolveEventsAsync(connection, instanceId, rows.Select(r => r.Json).ToList(), cancellationToken).ConfigureAwait(false);
        return rows.Select((r, i) => (r.Position, events[i])).ToList();
    }

    /// <summary>Deserialises stored events of one instance and replaces their payload references by the payloads.</summary>
    private async Task<List<HistoryEvent>> ResolveEventsAsync(NpgsqlConnection connection, string instanceId, List<string> stored, CancellationToken cancellationToken)
    {
        var events = stored.Select(json => JsonSerializer.Deserialize<HistoryEvent>(json, BatonJson.Options)!).ToList();
        var references = new List<(string, string)>();
        for (var i = 0; i < events.Count; i++)
        {
            if (PayloadOffloader.MayReference(stored[i]))
            {
                HistoryPayloads.Map(events[i], json =>
                {
                    if (PayloadOffloader.ReferencedHash(json) is { } hash)
                    {
                        references.Add((instanceId, hash));
                    }

                    return json;
                });
            }
        }

        var payloads = references.Count == 0 ? [] : await LoadPayloadsAsync(connection, references, cancellationToken).ConfigureAwait(false);
        return events.Select((e, i) => PayloadOffloader.MayReference(stored[i]) ? _payloads.Resolve(e, h => payloads[(instanceId, h)]) : e).ToList();
    }

    private static async Task<Dictionary<(string InstanceId, string Hash), string>> LoadPayloadsAsync(
        NpgsqlConnection connection, List<(string InstanceId, string Hash)> references, CancellationToken cancellationToken)
    {
        var wanted = references.Distinct().ToList();
        var payloads = new Dictionary<(string, string), string>();
        await using (var command = PostgresStatement.For("""
            SELECT p.instance_id, p.hash, p.data FROM payloads p
            JOIN unnest($ids::text[], $hashes::text[]) AS w (instance_id, hash) ON p.instance_id = w.instance_id AND p.hash = w.hash
            """).Command(connection, [wanted.Select(w => w.InstanceId).ToArray(), wanted.Select(w => w.Hash).ToArray()]))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                payloads[(reader.GetString(0), reader.GetString(1))] = reader.GetString(2);
            }
        }

        var missing = wanted.FirstOrDefault(w => !payloads.ContainsKey(w));
        return missing == default
            ? payloads
            : throw new InvalidOperationException($"The payload {missing.Hash} of instance '{missing.InstanceId}' is missing from the store.");
    }

    private string Serialize(HistoryEvent e, string instanceId, List<PayloadRow> payloads) =>
        JsonSerializer.Serialize(_payloads.Offload(e, instanceId, payloads), BatonJson.Options);
}
