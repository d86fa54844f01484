using Baton.Grains.Storage;
using Baton.History;

namespace Baton.Silo.Storage.Postgres;

// The turn commit: the write that changes an instance's history, fenced by its revision.
internal sealed partial class PostgresWorkflowStore
{
    public Task<CommitOutcome> CommitAsync(InstanceCommit commit, CancellationToken cancellationToken)
    {
        var prepared = PreparedCommit.From(commit, _payloads);
        var id = commit.InstanceId;
        var now = commit.Now.Ticks;
        var terminal = commit.Status.IsTerminal();
        var events = prepared.Events;
        var payloads = prepared.Payloads;

        return Writer.WriteAsync(w =>
        {
            if (commit.NewInstance is { } row)
            {
                // Inserted at revision 0: the fenced update below takes it to 1, as it takes every commit one further.
                if (w.Execute("""
                    INSERT INTO instances (instance_id, name, status, created_at, updated_at, input, version, revision)
                    VALUES ($id, $name, $status, $created, $created, $input, $version, 0) ON CONFLICT (instance_id) DO NOTHING
                    """, row.InstanceId, row.Name, (int)row.Status, row.CreatedAt.Ticks, prepared.NewInput, row.Version) == 0)
                {
                    throw new InstanceAlreadyExistsException(row.InstanceId);
                }
            }

            var writesStatus = prepared.WritesStatus;
            if (writesStatus)
            {
                // Logged before the update, while the row still holds the previous status; nothing when the status is unchanged.
                // A fenced-off commit rolls back with it.
                w.Execute("""
                    INSERT INTO status_events (instance_id, name, status, previous_status, at, reason)
                    SELECT instance_id, name, $status, status, $now, $reason FROM instances WHERE instance_id = $id AND status <> $status
                    """, (int)commit.Status, now, commit.StatusReason, id);
            }

            // One write of the row per commit: the fence (revision and owner) and, when the turn changed it, the status.
            if (w.Execute("""
                UPDATE instances SET revision = revision + 1, owner = $owner::text,
                    status = CASE WHEN $write THEN $status ELSE status END,
                    updated_at = CASE WHEN $write THEN $now ELSE updated_at END,
                    completed_at = CASE WHEN $write THEN $completed::bigint ELSE completed_at END,
                    output = CASE WHEN $write THEN $output::text ELSE output END,
                    failure = CASE WHEN $write THEN $failure::text ELSE failure END,
                    status_reason = CASE WHEN $write THEN $reason::text ELSE status_reason END,
                    custom_status = CASE WHEN $changed THEN $custom::text ELSE custom_status END
                WHERE instance_id = $id AND revision = $expected
                """, terminal ? null : commit.Owner, writesStatus, (int)commit.Status, now, terminal ? now : null, prepared.Output, prepared.Failure,
                    commit.StatusReason, commit.CustomStatusChanged, commit.CustomStatus, id, commit.ExpectedRevision) == 0)
            {
                // Fencing: another activation committed (or the instance was purged or recreated) since this one loaded it.
                throw new InstanceConflictException(id, commit.ExpectedRevision);
            }

            if (commit.HistoryReset)
            {
                w.Execute("DELETE FROM history WHERE instance_id = $id", id);
            }

            if (events.Length > 0)
            {
                w.Execute("""
                    INSERT INTO history (instance_id, position, event)
                    SELECT $id, $first + e.ordinality - 1, e.event FROM unnest($events::text[]) WITH ORDINALITY AS e (event, ordinality)
                    """, id, commit.FirstPosition, events);
            }

            if (commit.ConsumedMessages.Count > 0)
            {
                w.Execute("DELETE FROM messages WHERE id = ANY($ids)", commit.ConsumedMessages.ToArray());
            }

            if (commit.CloseAll)
            {
                w.Execute("DELETE FROM work_items WHERE instance_id = $id", id);
                w.Execute("DELETE FROM messages WHERE instance_id = $id AND step_id IS NOT NULL", id);
                w.Execute("DELETE FROM callbacks WHERE instance_id = $id", id);
            }
            else if (commit.ConsumedWorkItems.Count > 0 || commit.ClosedSteps.Count > 0)
            {
                w.Execute("DELETE FROM work_items WHERE instance_id = $id AND step_id = ANY($steps)", id, commit.ConsumedWorkItems.Concat(commit.ClosedSteps).ToArray());
                if (commit.ClosedSteps.Count > 0)
                {
                    var closed = commit.ClosedSteps.ToArray();
                    w.Execute("DELETE FROM messages WHERE instance_id = $id AND step_id = ANY($steps)", id, closed);
                    w.Execute("DELETE FROM callbacks WHERE instance_id = $id AND step_id = ANY($steps)", id, closed);
                }
            }

            if (prepared.WorkInputs.Length > 0)
            {
                var works = commit.NewWorkItems;
                var owners = works.Select(work => commit.LocalQueues.Contains(work.Queue) ? commit.Owner : null).ToArray();
                w.Execute("""
                    INSERT INTO work_items (instance_id, step_id, queue, name, input, lease_owner, deliveries, created_at, start_to_close_ms, heartbeat_ms)
                    SELECT $id, u.step_id, u.queue, u.name, u.input, u.owner, CASE WHEN u.owner IS NULL THEN 0 ELSE 1 END, $now, u.start_to_close, u.heartbeat
                    FROM unnest($steps::int[], $queues::text[], $names::text[], $inputs::text[], $owners::text[], $startToClose::bigint[], $heartbeats::bigint[])
                        AS u (step_id, queue, name, input, owner, start_to_close, heartbeat)
                    ON CONFLICT (instance_id, step_id) DO NOTHING
                    """, id, now, works.Select(x => x.StepId).ToArray(), works.Select(x => x.Queue).ToArray(), works.Select(x => x.Name).ToArray(),
                    prepared.WorkInputs, owners, works.Select(x => (long?)x.StartToClose?.TotalMilliseconds).ToArray(),
                    works.Select(x => (long?)x.HeartbeatTimeout?.TotalMilliseconds).ToArray());
            }

            foreach (var callback in commit.NewCallbacks)
            {
                w.Execute("""
                    INSERT INTO callbacks (token_id, instance_id, step_id, used) VALUES ($token, $id, $step, false)
                    ON CONFLICT (token_id) DO UPDATE SET used = false
                    """, callback.TokenId, id, callback.StepId);
            }

            var messageTargets = new List<string>();
            var messageBodies = new List<string>();
            var messaged = new List<string>();
            foreach (var child in prepared.Children)
            {
                var createdChild = w.Execute("""
                    INSERT INTO instances (instance_id, name, status, created_at, updated_at, input, version, parent_instance_id, owner)
                    VALUES ($id, $name, $status, $now, $now, $input, $version, $parent, $owner) ON CONFLICT (instance_id) DO NOTHING
                    """, child.Work.InstanceId, child.Work.Name, (int)WorkflowRuntimeStatus.Pending, now, child.Input, child.Work.Version, id, commit.Owner) == 1;
                messageTargets.Add(createdChild ? child.Work.InstanceId : id);
                messageBodies.Add(createdChild ? child.Start : child.Conflict);
            }

            foreach (var message in prepared.Outgoing)
            {
                messageTargets.Add(message.InstanceId);
                messageBodies.Add(message.Body);
            }

            if (messageTargets.Count > 0)
            {
                w.Execute("""
                    INSERT INTO messages (instance_id, visible_at, body)
                    SELECT m.instance_id, $at, m.body FROM unnest($ids::text[], $bodies::text[]) WITH ORDINALITY AS m (instance_id, body, ordinality) ORDER BY m.ordinality
                    """, now, messageTargets.ToArray(), messageBodies.ToArray());
                messaged.AddRange(messageTargets);
            }

            InsertPayloads(w, payloads);

            var timers = new CommittedTimer[commit.NewTimers.Count];
            for (var i = 0; i < timers.Length; i++)
            {
                var timer = commit.NewTimers[i];
                var messageId = (long)w.Scalar("INSERT INTO messages (instance_id, visible_at, body, step_id) VALUES ($id, $at, $body, $step) RETURNING id",
                    id, timer.FireAt.Ticks, prepared.TimerBodies[i], timer.StepId)!;
                timers[i] = new CommittedTimer(messageId, id, timer.StepId, timer.FireAt);
            }

            return timers.Length == 0 && messaged.Count == 0 ? CommitOutcome.Empty : new CommitOutcome(timers, messaged);
        });
    }

    private static void InsertPayloads(PostgresWriter w, List<PayloadRow> payloads)
    {
        if (payloads.Count > 0)
        {
            w.Execute("""
                INSERT INTO payloads (instance_id, hash, data) SELECT * FROM unnest($ids::text[], $hashes::text[], $data::text[]) ON CONFLICT DO NOTHING
                """, payloads.Select(p => p.InstanceId).ToArray(), payloads.Select(p => p.Hash).ToArray(), payloads.Select(p => p.Data).ToArray());
        }
    }
}
