using Baton.Grains.Storage;
using Baton.History;

namespace Baton.Silo.Storage.Sqlite;

// The turn commit and the creation of instances: the writes that change an instance's history.
internal sealed partial class SqliteWorkflowStore
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
                var inserted = w.Statement("""
                    INSERT INTO instances (instance_id, name, status, created_at, updated_at, input, version, revision)
                    VALUES ($id, $name, $status, $created, $created, $input, $version, 0) ON CONFLICT (instance_id) DO NOTHING
                    """).Execute(row.InstanceId, row.Name, (int)row.Status, row.CreatedAt.Ticks, prepared.NewInput, row.Version);
                if (inserted == 0)
                {
                    throw new InstanceAlreadyExistsException(row.InstanceId);
                }
            }

            var writesStatus = prepared.WritesStatus;
            if (commit.MayChangeStatus)
            {
                // Logged before the update, while the row still holds the previous status; nothing when the status is unchanged.
                // A fenced-off commit rolls back with it.
                w.Statement("""
                    INSERT INTO status_events (instance_id, name, status, previous_status, at, reason)
                    SELECT instance_id, name, $status, status, $now, $reason FROM instances WHERE instance_id = $id AND status <> $status
                    """).Execute((int)commit.Status, now, commit.StatusReason, id);
            }

            // One write of the row per commit: the fence (revision and owner) and, when the turn changed it, the status. It
            // answers the instance's number, which keys its history and work items.
            if (w.Statement("""
                UPDATE instances SET revision = revision + 1, owner = $owner,
                    status = CASE WHEN $write = 1 THEN $status ELSE status END,
                    updated_at = CASE WHEN $write = 1 THEN $now ELSE updated_at END,
                    completed_at = CASE WHEN $write = 1 THEN $completed ELSE completed_at END,
                    output = CASE WHEN $write = 1 THEN $output ELSE output END,
                    failure = CASE WHEN $write = 1 THEN $failure ELSE failure END,
                    status_reason = CASE WHEN $write = 1 THEN $reason ELSE status_reason END,
                    custom_status = CASE WHEN $changed = 1 THEN $custom ELSE custom_status END
                WHERE instance_id = $id AND revision = $expected RETURNING number
                """).Scalar(terminal ? null : commit.Owner, writesStatus ? 1 : 0, (int)commit.Status, now, terminal ? now : null, prepared.Output, prepared.Failure,
                    commit.StatusReason, commit.CustomStatusChanged ? 1 : 0, commit.CustomStatus, id, commit.ExpectedRevision) is not long number)
            {
                // Fencing: another activation committed (or the instance was purged or recreated) since this one loaded it.
                throw new InstanceConflictException(id, commit.ExpectedRevision);
            }

            if (commit.HistoryReset)
            {
                w.Statement("DELETE FROM history WHERE instance_number = $number").Execute(number);
            }

            var appendEvent = w.Statement("INSERT INTO history (instance_number, position, event) VALUES ($number, $pos, $event)");
            for (var i = 0; i < events.Length; i++)
            {
                appendEvent.Execute(number, commit.FirstPosition + i, events[i]);
            }

            var deleteMessage = w.Statement("DELETE FROM messages WHERE id = $id");
            foreach (var message in commit.ConsumedMessages)
            {
                deleteMessage.Execute(message);
            }

            var deleteWorkItem = w.Statement("DELETE FROM work_items WHERE instance_number = $number AND step_id = $step");
            foreach (var step in commit.ConsumedWorkItems)
            {
                deleteWorkItem.Execute(number, step);
            }

            if (commit.CloseAll)
            {
                w.Statement("DELETE FROM work_items WHERE instance_number = $number").Execute(number);
                w.Statement("DELETE FROM messages WHERE instance_id = $id AND step_id IS NOT NULL").Execute(id);
                w.Statement("DELETE FROM callbacks WHERE instance_id = $id").Execute(id);
            }

            // CloseAll already removed every step's rows.
            foreach (var step in commit.CloseAll ? [] : commit.ClosedSteps)
            {
                deleteWorkItem.Execute(number, step);
                w.Statement("DELETE FROM messages WHERE instance_id = $id AND step_id = $step").Execute(id, step);
                w.Statement("DELETE FROM callbacks WHERE instance_id = $id AND step_id = $step").Execute(id, step);
            }

            var insertWorkItem = w.Statement("""
                INSERT INTO work_items (instance_number, step_id, instance_id, queue, name, input, lease_owner, deliveries, created_at, start_to_close_ms, heartbeat_ms)
                VALUES ($number, $step, $id, $queue, $name, $input, $owner, $deliveries, $now, $startToClose, $heartbeat)
                ON CONFLICT (instance_number, step_id) DO NOTHING
                """);
            for (var i = 0; i < prepared.WorkInputs.Length; i++)
            {
                var work = commit.NewWorkItems[i];
                var owner = commit.LocalQueues.Contains(work.Queue) ? commit.Owner : null;
                insertWorkItem.Execute(number, work.StepId, id, work.Queue, work.Name, prepared.WorkInputs[i], owner, owner is null ? 0 : 1, now,
                    (long?)work.StartToClose?.TotalMilliseconds, (long?)work.HeartbeatTimeout?.TotalMilliseconds);
            }

            var registerCallback = w.Statement("""
                INSERT INTO callbacks (token_id, instance_id, step_id, used) VALUES ($token, $id, $step, 0)
                ON CONFLICT (token_id) DO UPDATE SET used = 0
                """);
            foreach (var callback in commit.NewCallbacks)
            {
                registerCallback.Execute(callback.TokenId, id, callback.StepId);
            }

            var insertMessage = w.Statement("INSERT INTO messages (instance_id, visible_at, body) VALUES ($id, $at, $body)");
            var messaged = new List<string>();
            foreach (var child in prepared.Children)
            {
                var created = w.Statement("""
                    INSERT INTO instances (instance_id, name, status, created_at, updated_at, input, version, parent_instance_id, owner)
                    VALUES ($id, $name, $status, $now, $now, $input, $version, $parent, $owner) ON CONFLICT (instance_id) DO NOTHING
                    """).Execute(child.Work.InstanceId, child.Work.Name, (int)WorkflowRuntimeStatus.Pending, now, child.Input, child.Work.Version, child.Parent, commit.Owner);
                if (created == 1)
                {
                    insertMessage.Execute(child.Work.InstanceId, now, child.Start);
                    messaged.Add(child.Work.InstanceId);
                }
                else if (child.Conflict is not null)
                {
                    insertMessage.Execute(id, now, child.Conflict);
                    messaged.Add(id);
                }
            }

            foreach (var message in prepared.Outgoing)
            {
                insertMessage.Execute(message.InstanceId, now, message.Body);
                messaged.Add(message.InstanceId);
            }

            InsertPayloads(w, payloads);

            var timers = new CommittedTimer[commit.NewTimers.Count];
            var insertTimer = w.Statement("INSERT INTO messages (instance_id, visible_at, body, step_id) VALUES ($id, $at, $body, $step) RETURNING id");
            for (var i = 0; i < timers.Length; i++)
            {
                var timer = commit.NewTimers[i];
                var messageId = (long)insertTimer.Scalar(id, timer.FireAt.Ticks, prepared.TimerBodies[i], timer.StepId)!;
                timers[i] = new CommittedTimer(messageId, id, timer.StepId, timer.FireAt);
            }

            return timers.Length == 0 && messaged.Count == 0 ? CommitOutcome.Empty : new CommitOutcome(timers, messaged);
        });
    }

    private static void InsertPayloads(SqliteWriter w, List<PayloadRow> payloads)
    {
        if (payloads.Count == 0)
        {
            return;
        }

        var insert = w.Statement("INSERT INTO payloads (instance_id, hash, data) VALUES ($id, $hash, $data) ON CONFLICT DO NOTHING");
        foreach (var payload in payloads)
        {
            insert.Execute(payload.InstanceId, payload.Hash, payload.Data);
        }
    }
}
