namespace Baton.Silo.Storage.Sqlite;

// The status event log (written by triggers, see SqliteSchema.StatusEvents), webhook cursors and counts by status.
internal sealed partial class SqliteWorkflowStore
{
    public Task<IReadOnlyList<WorkflowStatusEvent>> ReadStatusEventsAsync(long afterSequence, int limit, CancellationToken cancellationToken)
    {
        using var connection = OpenReader();
        using var statement = new PreparedStatement(connection, """
            SELECT seq, instance_id, name, status, previous_status, at, reason FROM status_events
            WHERE seq > $after ORDER BY seq LIMIT $limit
            """);
        using var reader = statement.Query(afterSequence, limit);
        var events = new List<WorkflowStatusEvent>();
        while (reader.Read())
        {
            events.Add(new WorkflowStatusEvent(
                reader.GetInt64(0),
                reader.GetString(1),
                reader.GetString(2),
                (WorkflowRuntimeStatus)reader.GetInt32(3),
                reader.IsDBNull(4) ? null : (WorkflowRuntimeStatus)reader.GetInt32(4),
                new DateTime(reader.GetInt64(5), DateTimeKind.Utc),
                reader.IsDBNull(6) ? null : reader.GetString(6)));
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

    public Task<int> PruneStatusEventsAsync(DateTime olderThan, CancellationToken cancellationToken) =>
        // A webhook that has not yet been sent an event keeps it, however old.
        Writer.WriteAsync(w => w.Statement("""
            DELETE FROM status_events
            WHERE at < $before AND seq <= COALESCE((SELECT MIN(seq) FROM event_cursors), 9223372036854775807)
            """).Execute(olderThan.Ticks));

    public Task<IReadOnlyDictionary<WorkflowRuntimeStatus, long>> CountByStatusAsync(WorkflowQuery query, CancellationToken cancellationToken)
    {
        var filter = SqliteInstanceFilter.For(query.Name, query.Statuses, query.CreatedFrom, query.CreatedTo, query.InstanceIdPrefix)
            .CustomStatus(query.CustomStatus);
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
