namespace Baton.Silo.Storage.Postgres;

// The status event log (numbered in commit order by a trigger, see PostgresSchema), webhook cursors and counts by status.
internal sealed partial class PostgresWorkflowStore
{
    public async Task<IReadOnlyList<WorkflowStatusEvent>> ReadStatusEventsAsync(long afterSequence, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = PostgresStatement.For($"""
            SELECT {StoredRows.StatusEventColumns} FROM status_events
            WHERE seq > $after ORDER BY seq LIMIT $limit
            """).Command(connection, [afterSequence, (long)limit]);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var events = new List<WorkflowStatusEvent>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            events.Add(StoredRows.StatusEvent(reader));
        }

        return events;
    }

    public async Task<long> GetLastStatusEventAsync(CancellationToken cancellationToken) =>
        (long)(await ScalarAsync("SELECT COALESCE(MAX(seq), 0) FROM status_events", [], cancellationToken).ConfigureAwait(false))!;

    public async Task<long?> GetEventCursorAsync(string subscriber, CancellationToken cancellationToken) =>
        await ScalarAsync("SELECT seq FROM event_cursors WHERE subscriber = $s", [subscriber], cancellationToken).ConfigureAwait(false) as long?;

    public Task SetEventCursorAsync(string subscriber, long sequence, CancellationToken cancellationToken) =>
        Writer.WriteAsync(w => w.Execute("""
            INSERT INTO event_cursors (subscriber, seq) VALUES ($s, $seq)
            ON CONFLICT (subscriber) DO UPDATE SET seq = GREATEST(event_cursors.seq, excluded.seq)
            """, subscriber, sequence));

    public async Task<int> PruneStatusEventsAsync(DateTime olderThan, CancellationToken cancellationToken)
    {
        // Deleted in bounded chunks, so that a large backlog never holds the writer (and every commit) for long. The newest
        // event is kept, as the SQLite store keeps it, so that the log's head is always readable.
        const int Chunk = 20_000;
        var deleted = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            var removed = await Writer.WriteAsync(w => w.Execute("""
                DELETE FROM status_events WHERE seq IN (
                    SELECT seq FROM status_events
                    WHERE at < $before AND seq <= COALESCE((SELECT MIN(seq) FROM event_cursors), seq)
                      AND seq < (SELECT MAX(seq) FROM status_events)
                    ORDER BY seq LIMIT $chunk)
                """, olderThan.Ticks, (long)Chunk)).ConfigureAwait(false);
            deleted += removed;
            if (removed < Chunk)
            {
                break;
            }
        }

        return deleted;
    }

    public async Task<IReadOnlyDictionary<WorkflowRuntimeStatus, long>> CountByStatusAsync(WorkflowQuery query, CancellationToken cancellationToken)
    {
        var filter = InstanceFilter.For(InstanceFilter.Dialect.Postgres, query);
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = PostgresStatement.For($"SELECT status, COUNT(*) FROM instances {filter.Where} GROUP BY status").Command(connection, filter.Values());
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var counts = new Dictionary<WorkflowRuntimeStatus, long>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            counts[(WorkflowRuntimeStatus)reader.GetInt32(0)] = reader.GetInt64(1);
        }

        return counts;
    }

    private async Task<object?> ScalarAsync(string sql, object?[] values, CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = PostgresStatement.For(sql).Command(connection, values);
        var value = await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
        return value is DBNull ? null : value;
    }
}
