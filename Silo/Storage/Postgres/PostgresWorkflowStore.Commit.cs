using Baton.Grains.Storage;
using Npgsql;

namespace Baton.Silo.Storage.Postgres;

// The turn commit: the write that changes an instance's history, fenced by its revision, in one round trip.
internal sealed partial class PostgresWorkflowStore
{
    public async Task<CommitOutcome> CommitAsync(InstanceCommit commit, CancellationToken cancellationToken)
    {
        var prepared = PreparedCommit.From(commit, _payloads);
        try
        {
            var (batch, outcome) = CommitBatch(prepared);
            return await Writer.WriteAsync(batch, outcome).ConfigureAwait(false);
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresSchema.ConflictState)
        {
            // Fencing: another activation committed (or the instance was purged or recreated) since this one loaded it.
            throw new InstanceConflictException(commit.InstanceId, commit.ExpectedRevision);
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresSchema.ExistsState)
        {
            throw new InstanceAlreadyExistsException(commit.InstanceId);
        }
    }

    /// <summary>The commit's statements, and how to read what it wrote from their rows once they have run.</summary>
    private static (PostgresBatch Batch, Func<CommitOutcome> Outcome) CommitBatch(PreparedCommit prepared)
    {
        var commit = prepared.Commit;
        var id = commit.InstanceId;
        var now = commit.Now.Ticks;
        var terminal = commit.Status.IsTerminal();
        var batch = new PostgresBatch();
        if (commit.NewInstance is { } row)
        {
            // Inserted at revision 0: the fenced update below takes it to 1, as it takes every commit one further.
            batch.Check($"""
                WITH created AS (
                    INSERT INTO instances (instance_id, name, status, created_at, updated_at, input, version, revision)
                    VALUES ($id, $name, $status, $created, $created, $input, $version, 0) ON CONFLICT (instance_id) DO NOTHING RETURNING 1)
                SELECT baton_require(EXISTS (SELECT 1 FROM created), '{PostgresSchema.ExistsState}', 'the instance id is taken')
                """, row.InstanceId, row.Name, (int)row.Status, row.CreatedAt.Ticks, prepared.NewInput, row.Version);
        }

        var writesStatus = prepared.WritesStatus;
        if (writesStatus)
        {
            // Logged before the update, while the row still holds the previous status; nothing when the status is unchanged.
            // A fenced-off commit rolls back with it.
            batch.Add("""
                INSERT INTO status_events (instance_id, name, status, previous_status, at, reason)
                SELECT instance_id, name, $status, status, $now, $reason FROM instances WHERE instance_id = $id AND status <> $status
                """, [(int)commit.Status, now, commit.StatusReason, id]);
        }

        // One write of the row per commit: the fence (revision and owner) and, when the turn changed it, the status. When the
        // revision moved on, baton_require stops the batch here, and the savepoint takes back what came before.
        batch.Check($"""
            WITH fenced AS (
                UPDATE instances SET revision = revision + 1, owner = $owner::text,
                    status = CASE WHEN $write THEN $status ELSE status END,
                    updated_at = CASE WHEN $write THEN $now ELSE updated_at END,
                    completed_at = CASE WHEN $write THEN $completed::bigint ELSE completed_at END,
                    output = CASE WHEN $write THEN $output::text ELSE output END,
                    failure = CASE WHEN $write THEN $failure::text ELSE failure END,
                    status_reason = CASE WHEN $write THEN $reason::text ELSE status_reason END,
                    custom_status = CASE WHEN $changed THEN $custom::text ELSE custom_status END
                WHERE instance_id = $id AND revision = $expected
                RETURNING 1)
            SELECT baton_require(EXISTS (SELECT 1 FROM fenced), '{PostgresSchema.ConflictState}', 'the instance was committed by another activation')
            """, terminal ? null : commit.Owner, writesStatus, (int)commit.Status, now, terminal ? now : null, prepared.Output, prepared.Failure,
            commit.StatusReason, commit.CustomStatusChanged, commit.CustomStatus, id, commit.ExpectedRevision);

        if (commit.HistoryReset)
        {
            batch.Add("DELETE FROM history WHERE instance_id = $id", [id]);
        }

        if (prepared.Events.Length > 0)
        {
            batch.Add("""
                INSERT INTO history (instance_id, position, event)
                SELECT $id, $first + e.ordinality - 1, e.event FROM unnest($events::text[]) WITH ORDINALITY AS e (event, ordinality)
                """, [id, commit.FirstPosition, prepared.Events]);
        }

        if (commit.ConsumedMessages.Count > 0)
        {
            batch.Add("DELETE FROM messages WHERE id = ANY($ids)", [commit.ConsumedMessages.ToArray()]);
        }

        if (commit.CloseAll)
        {
            batch.Add("DELETE FROM work_items WHERE instance_id = $id", [id]);
            batch.Add("DELETE FROM messages WHERE instance_id = $id AND step_id IS NOT NULL", [id]);
            batch.Add("DELETE FROM callbacks WHERE instance_id = $id", [id]);
        }
        else if (commit.ConsumedWorkItems.Count > 0 || commit.ClosedSteps.Count > 0)
        {
            batch.Add("DELETE FROM work_items WHERE instance_id = $id AND step_id = ANY($steps)", [id, commit.ConsumedWorkItems.Concat(commit.ClosedSteps).ToArray()]);
            if (commit.ClosedSteps.Count > 0)
            {
                var closed = commit.ClosedSteps.ToArray();
                batch.Add("DELETE FROM messages WHERE instance_id = $id AND step_id = ANY($steps)", [id, closed]);
                batch.Add("DELETE FROM callbacks WHERE instance_id = $id AND step_id = ANY($steps)", [id, closed]);
            }
        }

        if (prepared.WorkInputs.Length > 0)
        {
            var works = commit.NewWorkItems;
            var owners = works.Select(work => commit.LocalQueues.Contains(work.Queue) ? commit.Owner : null).ToArray();
            batch.Add("""
                INSERT INTO work_items (instance_id, step_id, queue, name, input, lease_owner, deliveries, created_at, start_to_close_ms, heartbeat_ms)
                SELECT $id, u.step_id, u.queue, u.name, u.input, u.owner, CASE WHEN u.owner IS NULL THEN 0 ELSE 1 END, $now, u.start_to_close, u.heartbeat
                FROM unnest($steps::int[], $queues::text[], $names::text[], $inputs::text[], $owners::text[], $startToClose::bigint[], $heartbeats::bigint[])
                    AS u (step_id, queue, name, input, owner, start_to_close, heartbeat)
                ON CONFLICT (instance_id, step_id) DO NOTHING
                """,
                [id, now, works.Select(x => x.StepId).ToArray(), works.Select(x => x.Queue).ToArray(), works.Select(x => x.Name).ToArray(),
                    prepared.WorkInputs, owners, works.Select(x => (long?)x.StartToClose?.TotalMilliseconds).ToArray(),
                    works.Select(x => (long?)x.HeartbeatTimeout?.TotalMilliseconds).ToArray()]);
        }

        foreach (var callback in commit.NewCallbacks)
        {
            batch.Add("""
                INSERT INTO callbacks (token_id, instance_id, step_id, used) VALUES ($token, $id, $step, false)
                ON CONFLICT (token_id) DO UPDATE SET used = false
                """, [callback.TokenId, id, callback.StepId]);
        }

        var childMessages = new List<PostgresBatch.Statement>();
        foreach (var child in prepared.Children)
        {
            // The child's start goes to the child when its row was created, or a failure to the parent when the id was taken
            // (nothing, for an entity: its id taken is the entity, already there).
            childMessages.Add(batch.Add("""
                WITH created AS (
                    INSERT INTO instances (instance_id, name, status, created_at, updated_at, input, version, parent_instance_id, owner)
                    VALUES ($child, $name, $status, $now, $now, $input, $version, $parent, $owner) ON CONFLICT (instance_id) DO NOTHING
                    RETURNING instance_id)
                INSERT INTO messages (instance_id, visible_at, body)
                SELECT CASE WHEN EXISTS (SELECT 1 FROM created) THEN $child ELSE $sender END, $now,
                       CASE WHEN EXISTS (SELECT 1 FROM created) THEN $start ELSE $conflict END
                WHERE EXISTS (SELECT 1 FROM created) OR $conflict IS NOT NULL
                RETURNING instance_id
                """,
                [child.Work.InstanceId, child.Work.Name, (int)WorkflowRuntimeStatus.Pending, now, child.Input, child.Work.Version, child.Parent, commit.Owner, id, child.Start, child.Conflict],
                returnsRows: true));
        }

        if (prepared.Outgoing.Length > 0)
        {
            batch.Add("""
                INSERT INTO messages (instance_id, visible_at, body)
                SELECT m.instance_id, $at, m.body FROM unnest($ids::text[], $bodies::text[]) WITH ORDINALITY AS m (instance_id, body, ordinality) ORDER BY m.ordinality
                """, [now, prepared.Outgoing.Select(m => m.InstanceId).ToArray(), prepared.Outgoing.Select(m => m.Body).ToArray()]);
        }

        AddPayloads(batch, prepared.Payloads);

        var timerRows = commit.NewTimers.Select((timer, i) => batch.Add(
            "INSERT INTO messages (instance_id, visible_at, body, step_id) VALUES ($id, $at, $body, $step) RETURNING id",
            [id, timer.FireAt.Ticks, prepared.TimerBodies[i], timer.StepId], returnsRows: true)).ToArray();

        return (batch, () =>
        {
            if (timerRows.Length == 0 && childMessages.Count == 0 && prepared.Outgoing.Length == 0)
            {
                return CommitOutcome.Empty;
            }

            var timers = commit.NewTimers.Select((timer, i) => new CommittedTimer((long)timerRows[i].Scalar!, id, timer.StepId, timer.FireAt)).ToArray();
            var messaged = childMessages.Select(m => m.Scalar as string).OfType<string>().Concat(prepared.Outgoing.Select(m => m.InstanceId)).ToList();
            return new CommitOutcome(timers, messaged);
        });
    }

    private static void AddPayloads(PostgresBatch batch, List<PayloadRow> payloads)
    {
        if (payloads.Count > 0)
        {
            batch.Add("""
                INSERT INTO payloads (instance_id, hash, data) SELECT * FROM unnest($ids::text[], $hashes::text[], $data::text[]) ON CONFLICT DO NOTHING
                """, [payloads.Select(p => p.InstanceId).ToArray(), payloads.Select(p => p.Hash).ToArray(), payloads.Select(p => p.Data).ToArray()]);
        }
    }

    private static void InsertPayloads(PostgresWriter w, List<PayloadRow> payloads)
    {
        var batch = new PostgresBatch();
        AddPayloads(batch, payloads);
        if (batch.Statements.Count > 0)
        {
            w.Run(batch);
        }
    }
}
