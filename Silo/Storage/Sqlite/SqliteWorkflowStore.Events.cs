namespace Baton.Silo.Storage.Sqlite;

// The status event log (written by triggers, see SqliteSchema.StatusEvents), webhook cursors and counts by status.
internal sealed partial class SqliteWorkflowStore
{
    public Task<IReadOnlyList<WorkflowStatusEvent>> ReadStatusEventsAsync(long afterSequence, int limit, CancellationToken cancellationToken)
    {
        using var connection = OpenReader();
        using var statement = new PreparedStatement(connection, $"""
            SELECT {StoredRows.StatusEventColumns} FROM status_events
            WHERE seq > $after ORDER BY seq LIMIT $limit
            """);
        using var reader = statement.Query(afterSequence, limit);
        var events = new List<WorkflowStatusEvent>();
        while (reader.Read())
        {
            events.Add(StoredRows.StatusEvent(reader));
        }

        return Task.FromResult<IReadOnlyList<WorkflowStatusEvent>>(events);
    }

    public Task<long> GetLastStatusEventAsync(CancellationToken cancellationToken)
    {
        using var connection = OpenReader();
        using var statement = new PreparedStatement(connection, "SELECT COALESCE(MAX(seq), 0) FROM status_events");
        return Task.FromResult((long)statement.Scalar()!);
    }

    public Task<long?> GetEventCursorAsync(string subscriber, CancellationToken cancellationToken)
    {
        using var connection = OpenReader();
        using var statement = new PreparedStatement(connection, "SELECT seq FROM event_cursors WHERE subscriber = $s");
        return Task.FromResult(statement.Scalar(subscriber) as long?);
    }

    public Task SetEventCursorAsync(string subscriber, long sequence, CancellationToken cancellationToken) =>
        Writer.WriteAsync(w => w.Statement("""
            INSERT INTO event_cursors (subscriber, seq) VALUES ($s, $seq)
            ON CONFLICT (subscriber) DO UPDATE SET seq = MAX(seq, excluded.seq)
            """).Execute(subscriber, sequence));

    public async Task<int> PruneStatusEventsAsync(DateTime olderThan, CancellationToken cancellationToken)
    {
        // Events are deleted in bounded chunks so that a large backlog never holds the writer (and every commit) for long.
        const int Chunk = 20_000;
        var deleted = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            var removed = await Writer.WriteAsync(w => PruneChunk(w, olderThan.Ticks, Chunk)).ConfigureAwait(false);
            deleted += removed;
            if (removed < Chunk)
            {
                break;
            }
        }

        return deleted;
    }

    /// <summary>
    /// Deletes up to <paramref name="chunk"/> of the oldest events older than <paramref name="before"/> that every webhook has
    /// received. The newest event is always kept: without AUTOINCREMENT (whose bookkeeping costs a write per event), SQLite
    /// numbers a new row after the largest one present, and keeping it keeps sequence numbers from ever being reused.
    /// </summary>
    private static int PruneChunk(SqliteWriter w, long before, int chunk)
    {
        if (w.Statement("SELECT MIN(seq) FROM status_events").Scalar() is not long first)
        {
            return 0;
        }

        var limit = (long)w.Statement("SELECT MAX(seq) FROM status_events").Scalar()! - 1;
        if (w.Statement("SELECT MIN(seq) FROM event_cursors").Scalar() is long slowest)
        {
            limit = Math.Min(limit, slowest);
        }

        limit = Math.Min(limit, first + chunk - 1);

        // Times grow with sequence numbers, so the last event older than the cut-off is found by bisection on seq.
        var atOrAfter = w.Statement("SELECT at FROM status_events WHERE seq >= $s ORDER BY seq LIMIT 1");
        long low = first - 1, high = limit;
        while (low < high)
        {
            var middle = low + ((high - low + 1) / 2);
            if (atOrAfter.Scalar(middle) is long at && at < before)
            {
                low = middle;
            }
            else
            {
                high = middle - 1;
            }
        }

        return low < first ? 0 : w.Statement("DELETE FROM status_events WHERE seq <= $last").Execute(low);
    }

    public Task<IReadOnlyDictionary<WorkflowRuntimeStatus, long>> CountByStatusAsync(WorkflowQuery query, CancellationToken cancellationToken)
    {
        var filter = InstanceFilter.For(InstanceFilter.Dialect.Sqlite, query);
        using var connection = OpenReader();
        using var statement = new PreparedStatement(connection, $"SELECT status, COUNT(*) FROM instances {filter.Where} GROUP BY status");
        using var reader = statement.Query(filter.Values());
        var counts = new Dictionary<WorkflowRuntimeStatus, long>();
        while (reader.Read())
        {
            counts[(WorkflowRuntimeStatus)reader.GetInt32(0)] = reader.GetInt64(1);
        }

        return Task.FromResult<IReadOnlyDictionary<WorkflowRuntimeStatus, long>>(counts);
    }
}
