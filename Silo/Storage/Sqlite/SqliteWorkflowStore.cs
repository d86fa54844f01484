using System.Globalization;
using System.Text.Json;
using Baton.History;
using Baton.Serialization;
using Microsoft.Data.Sqlite;

namespace Baton.Silo.Storage.Sqlite;

/// <summary>The embedded store: one SQLite file in WAL mode, one group-committing writer, pooled readers.</summary>
internal sealed class SqliteWorkflowStore : IWorkflowStore
{
    private const int SqliteNotADatabase = 26;
    private const int SqliteCorrupt = 11;

    private readonly SqliteStoreOptions _options;
    private readonly string _readConnectionString;
    private readonly string _writeConnectionString;
    private SqliteWriter? _writer;
    private int _partitionCount;

    static SqliteWorkflowStore() => SQLitePCL.Batteries_V2.Init();

    public SqliteWorkflowStore(SqliteStoreOptions options)
    {
        _options = options;
        var fullPath = System.IO.Path.GetFullPath(options.Path);
        Location = fullPath;
        _writeConnectionString = new SqliteConnectionStringBuilder { DataSource = fullPath, Mode = SqliteOpenMode.ReadWriteCreate, Pooling = false }.ToString();
        _readConnectionString = new SqliteConnectionStringBuilder { DataSource = fullPath, Mode = SqliteOpenMode.ReadOnly, Pooling = true }.ToString();
    }

    public string Location { get; }

    public event Action<int>? MessagesAdded;

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
            SqliteSchema.Ensure(connection, Location, partitionCount);
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

    public Task<IReadOnlyList<CommittedTimer>> CommitAsync(InstanceCommit commit, CancellationToken cancellationToken)
    {
        // Serialise on the caller's thread, so that the writer thread only binds and steps statements.
        var events = new string[commit.NewEvents.Count];
        for (var i = 0; i < events.Length; i++)
        {
            events[i] = JsonSerializer.Serialize(commit.NewEvents[i], BatonJson.Options);
        }

        var timerBodies = commit.NewTimers.Select(t => JsonSerializer.Serialize<HistoryEvent>(new TimerFired(t.StepId), BatonJson.Options)).ToArray();
        var failure = commit.Failure is null ? null : JsonSerializer.Serialize(commit.Failure, BatonJson.Options);
        var now = commit.Now.Ticks;
        var terminal = commit.Status.IsTerminal();

        return Writer.WriteAsync<IReadOnlyList<CommittedTimer>>(w =>
        {
            var epoch = w.Statement("SELECT epoch FROM partitions WHERE partition = $p").Scalar(commit.Partition);
            if (epoch is not long current || current != commit.Epoch)
            {
                throw new PartitionLostException(commit.Partition, commit.Epoch);
            }

            if (commit.NewInstance is { } row)
            {
                var inserted = w.Statement("""
                    INSERT INTO instances (instance_id, partition, name, status, created_at, updated_at, input)
                    VALUES ($id, $p, $name, $status, $created, $created, $input) ON CONFLICT (instance_id) DO NOTHING
                    """).Execute(row.InstanceId, commit.Partition, row.Name, (int)row.Status, row.CreatedAt.Ticks, row.Input);
                if (inserted == 0)
                {
                    throw new InstanceAlreadyExistsException(row.InstanceId);
                }
            }

            var appendEvent = w.Statement("INSERT INTO history (instance_id, position, event) VALUES ($id, $pos, $event)");
            for (var i = 0; i < events.Length; i++)
            {
                appendEvent.Execute(commit.InstanceId, commit.FirstPosition + i, events[i]);
            }

            if (events.Length > 0)
            {
                w.Statement("""
                UPDATE instances SET status = $status, updated_at = $now, completed_at = $completed, output = $output, failure = $failure
                WHERE instance_id = $id
                """).Execute((int)commit.Status, now, terminal ? now : null, commit.Output, failure, commit.InstanceId);
            }

            var deleteMessage = w.Statement("DELETE FROM messages WHERE id = $id");
            foreach (var id in commit.ConsumedMessages)
            {
                deleteMessage.Execute(id);
            }

            var deleteWorkItem = w.Statement("DELETE FROM work_items WHERE instance_id = $id AND step_id = $step");
            foreach (var step in commit.ConsumedWorkItems)
            {
                deleteWorkItem.Execute(commit.InstanceId, step);
            }

            var insertWorkItem = w.Statement("""
                INSERT INTO work_items (instance_id, step_id, partition, queue, name, input, lease_owner, deliveries, created_at)
                VALUES ($id, $step, $p, $queue, $name, $input, $owner, $deliveries, $now)
                """);
            foreach (var work in commit.NewWorkItems)
            {
                var owner = commit.LocalQueues.Contains(work.Queue) ? commit.WorkItemOwner : null;
                insertWorkItem.Execute(commit.InstanceId, work.StepId, commit.Partition, work.Queue, work.Name, work.Input,
                    owner, owner is null ? 0 : 1, now);
            }

            if (commit.NewTimers.Count == 0)
            {
                return [];
            }

            var timers = new CommittedTimer[commit.NewTimers.Count];
            var insertTimer = w.Statement("INSERT INTO messages (partition, instance_id, visible_at, body) VALUES ($p, $id, $at, $body) RETURNING id");
            for (var i = 0; i < timers.Length; i++)
            {
                var timer = commit.NewTimers[i];
                var id = (long)insertTimer.Scalar(commit.Partition, commit.InstanceId, timer.FireAt.Ticks, timerBodies[i])!;
                timers[i] = new CommittedTimer(id, commit.InstanceId, timer.StepId, timer.FireAt);
            }

            return timers;
        });
    }

    public async Task<CreateOutcome> CreateInstanceAsync(InstanceRow row, int partition, WorkflowStarted start, CancellationToken cancellationToken)
    {
        var body = JsonSerializer.Serialize<HistoryEvent>(start, BatonJson.Options);
        var outcome = await Writer.WriteAsync(w =>
        {
            var inserted = w.Statement("""
                INSERT INTO instances (instance_id, partition, name, status, created_at, updated_at, input)
                VALUES ($id, $p, $name, $status, $created, $created, $input) ON CONFLICT (instance_id) DO NOTHING
                """).Execute(row.InstanceId, partition, row.Name, (int)WorkflowRuntimeStatus.Pending, row.CreatedAt.Ticks, row.Input);
            if (inserted == 0)
            {
                return CreateOutcome.AlreadyExists;
            }

            w.Statement("INSERT INTO messages (partition, instance_id, visible_at, body) VALUES ($p, $id, $at, $body)")
                .Execute(partition, row.InstanceId, row.CreatedAt.Ticks, body);
            return CreateOutcome.Created;
        }).ConfigureAwait(false);

        if (outcome == CreateOutcome.Created)
        {
            MessagesAdded?.Invoke(partition);
        }

        return outcome;
    }

    public async Task DeliverResultAsync(WorkItem item, HistoryEvent result, DateTime now, CancellationToken cancellationToken)
    {
        var body = JsonSerializer.Serialize(result, BatonJson.Options);
        var delivered = await Writer.WriteAsync(w =>
        {
            if (w.Statement("DELETE FROM work_items WHERE instance_id = $id AND step_id = $step").Execute(item.InstanceId, item.StepId) == 0)
            {
                return false; // Already answered (a duplicate delivery); recording it again would be a second result.
            }

            w.Statement("INSERT INTO messages (partition, instance_id, visible_at, body) VALUES ($p, $id, $at, $body)")
                .Execute(item.Partition, item.InstanceId, now.Ticks, body);
            return true;
        }).ConfigureAwait(false);

        if (delivered)
        {
            MessagesAdded?.Invoke(item.Partition);
        }
    }

    public Task<IReadOnlyList<WorkItem>> ClaimWorkItemsAsync(string siloId, IReadOnlyCollection<string> queues, int limit, DateTime liveSince, CancellationToken cancellationToken)
    {
        if (queues.Count == 0 || limit <= 0)
        {
            return Task.FromResult<IReadOnlyList<WorkItem>>([]);
        }

        var queueParameters = string.Join(", ", queues.Select((_, i) => $"$q{i}"));
        var select = $"""
            SELECT instance_id, step_id, partition, queue, name, input, deliveries FROM work_items
            WHERE queue IN ({queueParameters})
              AND (lease_owner IS NULL OR lease_owner NOT IN (SELECT silo_id FROM silos WHERE active = 1 AND heartbeat_at >= $live))
            LIMIT $limit
            """;
        var arguments = queues.Cast<object?>().Append(liveSince.Ticks).Append(limit).ToArray();
        if (!AnyClaimable(select, arguments))
        {
            // Most polls find nothing: answering from a reader spares the writer a synced commit.
            return Task.FromResult<IReadOnlyList<WorkItem>>([]);
        }

        return Writer.WriteAsync<IReadOnlyList<WorkItem>>(w =>
        {
            var claimed = new List<WorkItem>();
            using (var reader = w.Statement(select).Query(arguments))
            {
                while (reader.Read())
                {
                    claimed.Add(new WorkItem(reader.GetString(0), reader.GetInt32(1), reader.GetInt32(2), reader.GetString(3),
                        reader.GetString(4), reader.IsDBNull(5) ? null : reader.GetString(5), reader.GetInt32(6) + 1));
                }
            }

            var lease = w.Statement("UPDATE work_items SET lease_owner = $owner, deliveries = deliveries + 1 WHERE instance_id = $id AND step_id = $step");
            foreach (var item in claimed)
            {
                lease.Execute(siloId, item.InstanceId, item.StepId);
            }

            return claimed;
        });
    }

    private bool AnyClaimable(string select, object?[] arguments)
    {
        using var connection = OpenReader();
        using var exists = new PreparedStatement(connection, $"SELECT EXISTS ({select})");
        return Convert.ToInt64(exists.Scalar(arguments), CultureInfo.InvariantCulture) == 1;
    }

    public Task<InstanceRow?> GetInstanceAsync(string instanceId, CancellationToken cancellationToken)
    {
        using var connection = OpenReader();
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {InstanceColumns} FROM instances WHERE instance_id = $id";
        command.Parameters.AddWithValue("$id", instanceId);
        using var reader = command.ExecuteReader();
        return Task.FromResult(reader.Read() ? ReadInstance(reader) : null);
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
            events.Add(JsonSerializer.Deserialize<HistoryEvent>(reader.GetString(0), BatonJson.Options)!);
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
            messages.Add(new InboxMessage(reader.GetInt64(0), reader.GetString(1), new DateTime(reader.GetInt64(2), DateTimeKind.Utc),
                JsonSerializer.Deserialize<HistoryEvent>(reader.GetString(3), BatonJson.Options)!));
        }

        return Task.FromResult<IReadOnlyList<InboxMessage>>(messages);
    }

    public Task<WorkflowPage> ListAsync(WorkflowQuery query, CancellationToken cancellationToken)
    {
        using var connection = OpenReader();
        using var command = connection.CreateCommand();
        var filters = new List<string>();
        if (query.Name is not null)
        {
            filters.Add("name = $name");
            command.Parameters.AddWithValue("$name", query.Name);
        }

        if (query.Statuses is { Count: > 0 } statuses)
        {
            filters.Add($"status IN ({string.Join(", ", statuses.Select(s => ((int)s).ToString(CultureInfo.InvariantCulture)))})");
        }

        if (query.CreatedFrom is { } from)
        {
            filters.Add("created_at >= $from");
            command.Parameters.AddWithValue("$from", from.ToUniversalTime().Ticks);
        }

        if (query.CreatedTo is { } to)
        {
            filters.Add("created_at < $to");
            command.Parameters.AddWithValue("$to", to.ToUniversalTime().Ticks);
        }

        if (!string.IsNullOrEmpty(query.InstanceIdPrefix))
        {
            filters.Add("substr(instance_id, 1, length($prefix)) = $prefix");
            command.Parameters.AddWithValue("$prefix", query.InstanceIdPrefix);
        }

        if (query.ContinuationToken is not null)
        {
            var (createdTicks, afterId) = ListContinuation.Parse(query.ContinuationToken);
            filters.Add("(created_at < $ctCreated OR (created_at = $ctCreated AND instance_id < $ctId))");
            command.Parameters.AddWithValue("$ctCreated", createdTicks);
            command.Parameters.AddWithValue("$ctId", afterId);
        }

        var where = filters.Count == 0 ? "" : "WHERE " + string.Join(" AND ", filters);
        command.CommandText = $"SELECT {InstanceColumns} FROM instances {where} ORDER BY created_at DESC, instance_id DESC LIMIT $limit";
        command.Parameters.AddWithValue("$limit", query.PageSize + 1);

        var items = new List<WorkflowStatus>(query.PageSize);
        string? next = null;
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            var row = ReadInstance(reader);
            if (items.Count == query.PageSize)
            {
                var last = items[^1];
                next = ListContinuation.Create(last.CreatedAt.Ticks, last.InstanceId);
                break;
            }

            items.Add(row.ToStatus(null));
        }

        return Task.FromResult(new WorkflowPage(items, next));
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

    private const string InstanceColumns = "instance_id, name, status, created_at, updated_at, completed_at, input, output, failure";

    private static InstanceRow ReadInstance(SqliteDataReader reader) => new(
        reader.GetString(0),
        reader.GetString(1),
        (WorkflowRuntimeStatus)reader.GetInt32(2),
        new DateTime(reader.GetInt64(3), DateTimeKind.Utc),
        new DateTime(reader.GetInt64(4), DateTimeKind.Utc),
        reader.IsDBNull(5) ? null : new DateTime(reader.GetInt64(5), DateTimeKind.Utc),
        reader.IsDBNull(6) ? null : reader.GetString(6),
        reader.IsDBNull(7) ? null : reader.GetString(7),
        reader.IsDBNull(8) ? null : JsonSerializer.Deserialize<FailureDetails>(reader.GetString(8), BatonJson.Options));

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
