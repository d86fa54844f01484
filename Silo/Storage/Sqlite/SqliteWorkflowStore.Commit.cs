using System.Text.Json;
using Baton.History;
using Baton.Serialization;
using Baton.Silo.Runtime;

namespace Baton.Silo.Storage.Sqlite;

// The turn commit and the creation of instances: the writes that change an instance's history.
internal sealed partial class SqliteWorkflowStore
{
    public Task<CommitOutcome> CommitAsync(InstanceCommit commit, CancellationToken cancellationToken)
    {
        // Serialise (and offload large payloads) on the caller's thread, so that the writer thread only binds and steps statements.
        var id = commit.InstanceId;
        var now = commit.Now.Ticks;
        var payloads = new List<PayloadRow>();
        var events = commit.NewEvents.Select(e => Serialize(e, id, payloads)).ToArray();
        var timerBodies = commit.NewTimers.Select(t => JsonSerializer.Serialize<HistoryEvent>(new TimerFired(t.StepId), BatonJson.Options)).ToArray();
        var output = _payloads.Offload(commit.Output, id, payloads);
        var failure = commit.Failure is null ? null : JsonSerializer.Serialize(commit.Failure, BatonJson.Options);
        var newInput = commit.NewInstance is { } created ? _payloads.Offload(created.Input, id, payloads) : null;
        var workInputs = commit.NewWorkItems.Select(w => _payloads.Offload(w.Input, id, payloads)).ToArray();
        var children = commit.NewChildren.Select(c => new
        {
            Work = c,
            Partition = PartitionMap.PartitionOf(c.InstanceId, _partitionCount),
            Input = _payloads.Offload(c.Input, c.InstanceId, payloads),
            Start = Serialize(new WorkflowStarted(c.Name, c.Input, c.Version, 0, new ParentInstance(id, c.StepId)) { Timestamp = commit.Now }, c.InstanceId, payloads),
            Conflict = Serialize(new ChildWorkflowFailed(c.StepId, FailureDetails.FromException(new InstanceAlreadyExistsException(c.InstanceId))) { Timestamp = commit.Now }, id, payloads),
        }).ToArray();
        var outgoing = commit.Outgoing.Select(m => (
            m.InstanceId,
            Partition: PartitionMap.PartitionOf(m.InstanceId, _partitionCount),
            Body: Serialize(m.Event with { Timestamp = commit.Now }, m.InstanceId, payloads))).ToArray();
        var terminal = commit.Status.IsTerminal();

        return Writer.WriteAsync(w =>
        {
            var epoch = w.Statement("SELECT epoch FROM partitions WHERE partition = $p").Scalar(commit.Partition);
            if (epoch is not long current || current != commit.Epoch)
            {
                throw new PartitionLostException(commit.Partition, commit.Epoch);
            }

            if (commit.NewInstance is { } row)
            {
                var inserted = w.Statement("""
                    INSERT INTO instances (instance_id, partition, name, status, created_at, updated_at, input, version)
                    VALUES ($id, $p, $name, $status, $created, $created, $input, $version) ON CONFLICT (instance_id) DO NOTHING
                    """).Execute(row.InstanceId, commit.Partition, row.Name, (int)row.Status, row.CreatedAt.Ticks, newInput, row.Version);
                if (inserted == 0)
                {
                    throw new InstanceAlreadyExistsException(row.InstanceId);
                }
            }

            if (commit.HistoryReset)
            {
                w.Statement("DELETE FROM history WHERE instance_id = $id").Execute(id);
            }

            var appendEvent = w.Statement("INSERT INTO history (instance_id, position, event) VALUES ($id, $pos, $event)");
            for (var i = 0; i < events.Length; i++)
            {
                appendEvent.Execute(id, commit.FirstPosition + i, events[i]);
            }

            if (events.Length > 0 || commit.HistoryReset || commit.WriteStatus || commit.CustomStatusChanged)
            {
                // Logged before the update, while the row still holds the previous status; nothing when the status is unchanged.
                w.Statement("""
                    INSERT INTO status_events (instance_id, name, status, previous_status, at, reason)
                    SELECT instance_id, name, $status, status, $now, $reason FROM instances WHERE instance_id = $id AND status <> $status
                    """).Execute((int)commit.Status, now, commit.StatusReason, id);
                w.Statement("""
                    UPDATE instances SET status = $status, updated_at = $now, completed_at = $completed, output = $output, failure = $failure,
                        status_reason = $reason, custom_status = CASE WHEN $changed = 1 THEN $custom ELSE custom_status END
                    WHERE instance_id = $id
                    """).Execute((int)commit.Status, now, terminal ? now : null, output, failure, commit.StatusReason,
                        commit.CustomStatusChanged ? 1 : 0, commit.CustomStatus, id);
            }

            var deleteMessage = w.Statement("DELETE FROM messages WHERE id = $id");
            foreach (var message in commit.ConsumedMessages)
            {
                deleteMessage.Execute(message);
            }

            var deleteWorkItem = w.Statement("DELETE FROM work_items WHERE instance_id = $id AND step_id = $step");
            foreach (var step in commit.ConsumedWorkItems)
            {
                deleteWorkItem.Execute(id, step);
            }

            if (commit.CloseAll)
            {
                w.Statement("DELETE FROM work_items WHERE instance_id = $id").Execute(id);
                w.Statement("DELETE FROM messages WHERE instance_id = $id AND step_id IS NOT NULL").Execute(id);
                w.Statement("DELETE FROM callbacks WHERE instance_id = $id").Execute(id);
            }

            // CloseAll already removed every step's rows.
            foreach (var step in commit.CloseAll ? [] : commit.ClosedSteps)
            {
                deleteWorkItem.Execute(id, step);
                w.Statement("DELETE FROM messages WHERE instance_id = $id AND step_id = $step").Execute(id, step);
                w.Statement("DELETE FROM callbacks WHERE instance_id = $id AND step_id = $step").Execute(id, step);
            }

            var insertWorkItem = w.Statement("""
                INSERT INTO work_items (instance_id, step_id, partition, queue, name, input, lease_owner, deliveries, created_at, start_to_close_ms, heartbeat_ms)
                VALUES ($id, $step, $p, $queue, $name, $input, $owner, $deliveries, $now, $startToClose, $heartbeat)
                ON CONFLICT (instance_id, step_id) DO NOTHING
                """);
            for (var i = 0; i < workInputs.Length; i++)
            {
                var work = commit.NewWorkItems[i];
                var owner = commit.LocalQueues.Contains(work.Queue) ? commit.WorkItemOwner : null;
                insertWorkItem.Execute(id, work.StepId, commit.Partition, work.Queue, work.Name, workInputs[i], owner, owner is null ? 0 : 1, now,
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

            var insertMessage = w.Statement("INSERT INTO messages (partition, instance_id, visible_at, body) VALUES ($p, $id, $at, $body)");
            var messaged = new List<int>();
            foreach (var child in children)
            {
                var created = w.Statement("""
                    INSERT INTO instances (instance_id, partition, name, status, created_at, updated_at, input, version, parent_instance_id)
                    VALUES ($id, $p, $name, $status, $now, $now, $input, $version, $parent) ON CONFLICT (instance_id) DO NOTHING
                    """).Execute(child.Work.InstanceId, child.Partition, child.Work.Name, (int)WorkflowRuntimeStatus.Pending, now, child.Input, child.Work.Version, id);
                if (created == 1)
                {
                    insertMessage.Execute(child.Partition, child.Work.InstanceId, now, child.Start);
                    messaged.Add(child.Partition);
                }
                else
                {
                    insertMessage.Execute(commit.Partition, id, now, child.Conflict);
                    messaged.Add(commit.Partition);
                }
            }

            foreach (var message in outgoing)
            {
                insertMessage.Execute(message.Partition, message.InstanceId, now, message.Body);
                messaged.Add(message.Partition);
            }

            InsertPayloads(w, payloads);

            var timers = new CommittedTimer[commit.NewTimers.Count];
            var insertTimer = w.Statement("INSERT INTO messages (partition, instance_id, visible_at, body, step_id) VALUES ($p, $id, $at, $body, $step) RETURNING id");
            for (var i = 0; i < timers.Length; i++)
            {
                var timer = commit.NewTimers[i];
                var messageId = (long)insertTimer.Scalar(commit.Partition, id, timer.FireAt.Ticks, timerBodies[i], timer.StepId)!;
                timers[i] = new CommittedTimer(messageId, id, timer.StepId, timer.FireAt);
            }

            return timers.Length == 0 && messaged.Count == 0 ? CommitOutcome.Empty : new CommitOutcome(timers, messaged);
        });
    }

    public async Task<CreateOutcome> CreateInstanceAsync(InstanceRow row, int partition, WorkflowStarted start, CancellationToken cancellationToken)
    {
        var payloads = new List<PayloadRow>();
        var body = Serialize(start, row.InstanceId, payloads);
        var input = _payloads.Offload(row.Input, row.InstanceId, payloads);
        var outcome = await Writer.WriteAsync(w =>
        {
            var inserted = w.Statement("""
                INSERT INTO instances (instance_id, partition, name, status, created_at, updated_at, input, version)
                VALUES ($id, $p, $name, $status, $created, $created, $input, $version) ON CONFLICT (instance_id) DO NOTHING
                """).Execute(row.InstanceId, partition, row.Name, (int)WorkflowRuntimeStatus.Pending, row.CreatedAt.Ticks, input, row.Version);
            if (inserted == 0)
            {
                return CreateOutcome.AlreadyExists;
            }

            w.Statement("INSERT INTO messages (partition, instance_id, visible_at, body) VALUES ($p, $id, $at, $body)")
                .Execute(partition, row.InstanceId, row.CreatedAt.Ticks, body);
            InsertPayloads(w, payloads);
            return CreateOutcome.Created;
        }).ConfigureAwait(false);

        if (outcome == CreateOutcome.Created)
        {
            MessagesAdded?.Invoke(partition);
        }

        return outcome;
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
