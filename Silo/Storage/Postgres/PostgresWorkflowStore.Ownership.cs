using Baton.Grains.Storage;

namespace Baton.Silo.Storage.Postgres;

// Which silo holds an instance: claims on activation, release when only reminders carry it, and the orphans of dead silos.
internal sealed partial class PostgresWorkflowStore
{
    public Task<long> ClaimInstanceAsync(string instanceId, long expectedRevision, string owner, CancellationToken cancellationToken) =>
        Writer.WriteAsync(w => w.Scalar(
                "UPDATE instances SET revision = revision + 1, owner = $owner WHERE instance_id = $id AND revision = $expected RETURNING revision",
                owner, instanceId, expectedRevision) is long revision
            ? revision
            : throw new InstanceConflictException(instanceId, expectedRevision));

    public Task ReleaseInstanceAsync(string instanceId, long revision, CancellationToken cancellationToken) =>
        Writer.WriteAsync(w => w.Execute("UPDATE instances SET owner = NULL WHERE instance_id = $id AND revision = $revision", instanceId, revision));

    public async Task<IReadOnlyList<string>> FindOrphanedInstancesAsync(IReadOnlyCollection<string> liveSilos, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = PostgresStatement.For("""
            SELECT i.instance_id FROM instances i
            WHERE i.owner IS NOT NULL AND NOT (i.owner = ANY($live))
              AND (EXISTS (SELECT 1 FROM messages m WHERE m.instance_id = i.instance_id)
                   OR EXISTS (SELECT 1 FROM work_items w WHERE w.instance_id = i.instance_id))
            LIMIT $limit
            """).Command(connection, [liveSilos.ToArray(), (long)limit]);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var orphans = new List<string>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            orphans.Add(reader.GetString(0));
        }

        return orphans;
    }

    public async Task<IReadOnlyList<string>> FindOverdueInstancesAsync(DateTime dueBefore, int limit, CancellationToken cancellationToken, DateTime? dueFrom = null)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = PostgresStatement.For("""
            SELECT DISTINCT m.instance_id FROM messages m JOIN instances i ON i.instance_id = m.instance_id
            WHERE m.visible_at >= $from AND m.visible_at < $due AND i.status NOT IN (2, 3, 4)
            LIMIT $limit
            """).Command(connection, [(dueFrom ?? DateTime.MinValue).Ticks, dueBefore.Ticks, (long)limit]);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var overdue = new List<string>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            overdue.Add(reader.GetString(0));
        }

        return overdue;
    }
}
