using Baton.Grains.Storage;
namespace Baton.Silo.Storage.Sqlite;

// Which silo holds an instance: claims on activation, release when only reminders carry it, and the orphans of dead silos.
internal sealed partial class SqliteWorkflowStore
{
    public Task<long> ClaimInstanceAsync(string instanceId, long expectedRevision, string owner, CancellationToken cancellationToken) =>
        Writer.WriteAsync(w => w.Statement("""
                UPDATE instances SET revision = revision + 1, owner = $owner WHERE instance_id = $id AND revision = $expected RETURNING revision
                """).Scalar(owner, instanceId, expectedRevision) is long revision
            ? revision
            : throw new InstanceConflictException(instanceId, expectedRevision));

    public Task ReleaseInstanceAsync(string instanceId, long revision, CancellationToken cancellationToken) =>
        Writer.WriteAsync(w => w.Statement("UPDATE instances SET owner = NULL WHERE instance_id = $id AND revision = $revision").Execute(instanceId, revision));

    public Task<IReadOnlyList<string>> FindOrphanedInstancesAsync(IReadOnlyCollection<string> liveSilos, int limit, CancellationToken cancellationToken)
    {
        using var connection = OpenReader();
        using var command = connection.CreateCommand();
        var live = string.Join(", ", liveSilos.Select((_, i) => $"$s{i}"));
        command.CommandText = $"""
            SELECT i.instance_id FROM instances i
            WHERE i.owner IS NOT NULL {(liveSilos.Count > 0 ? $"AND i.owner NOT IN ({live})" : "")}
              AND (EXISTS (SELECT 1 FROM messages m WHERE m.instance_id = i.instance_id)
                   OR EXISTS (SELECT 1 FROM work_items w WHERE w.instance_number = i.number))
            LIMIT $limit
            """;
        var index = 0;
        foreach (var silo in liveSilos)
        {
            command.Parameters.AddWithValue($"$s{index++}", silo);
        }

        command.Parameters.AddWithValue("$limit", limit);
        using var reader = command.ExecuteReader();
        var orphans = new List<string>();
        while (reader.Read())
        {
            orphans.Add(reader.GetString(0));
        }

        return Task.FromResult<IReadOnlyList<string>>(orphans);
    }

    public Task<IReadOnlyList<string>> FindOverdueInstancesAsync(DateTime dueBefore, int limit, CancellationToken cancellationToken, DateTime? dueFrom = null)
    {
        using var connection = OpenReader();
        using var statement = new PreparedStatement(connection, """
            SELECT DISTINCT m.instance_id FROM messages m JOIN instances i ON i.instance_id = m.instance_id
            WHERE m.visible_at >= $from AND m.visible_at < $due AND i.status NOT IN (2, 3, 4)
            LIMIT $limit
            """);
        using var reader = statement.Query((dueFrom ?? DateTime.MinValue).Ticks, dueBefore.Ticks, limit);
        var overdue = new List<string>();
        while (reader.Read())
        {
            overdue.Add(reader.GetString(0));
        }

        return Task.FromResult<IReadOnlyList<string>>(overdue);
    }
}
