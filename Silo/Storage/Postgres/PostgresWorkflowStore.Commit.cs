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
            var writer = KeepsStatus(prepared) ? SteadyTurnWriter : Writer;
            return await writer.WriteAsync(batch, outcome).ConfigureAwait(false);
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

    /// <summary>
    /// Whether the commit logs no status event: it keeps its instance's status, and creates no instance (a creation is
    /// logged by a trigger). Such a commit takes no lock on the status log.
    /// </summary>
    private static bool KeepsStatus(PreparedCommit prepared) =>
        !prepared.Commit.MayChangeStatus && prepared.Commit.NewInstance is null && prepared.Children.Length == 0;

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

        // The fenced update, with what rides along with it (see FencedTurn); a history rewritten from the start goes after it.
        var parts = FencedTurn.Parts.None;
        var values = new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["owner"] = terminal ? null : commit.Owner,
            ["write"] = prepared.WritesStatus,
            ["status"] = (int)commit.Status,
            ["now"] = now,
            ["completed"] = terminal ? now : null,
            ["output"] = prepared.Output,
            ["failure"] = prepared.Failure,
            ["reason"] = commit.StatusReason,
            ["changed"] = commit.CustomStatusChanged,
            ["custom"] = commit.CustomStatus,
            ["id"] = id,
            ["expected"] = commit.ExpectedRevision,
        };

        if (commit.MayChangeStatus)
        {
            parts |= FencedTurn.Parts.Status;
        }

        if (prepared.Events.Length > 0)
        {
            values["first"] = commit.FirstPosition;
            values["events"] = prepared.Events;
            if (!commit.HistoryReset)
            {
                parts |= FencedTurn.Parts.History;
            }
        }

        if (commit.ConsumedMessages.Count > 0)
        {
            parts |= FencedTurn.Parts.ConsumedMessages;
            values["consumed"] = commit.ConsumedMessages.ToArray();
        }

        // The steps whose work items the statement deletes one by one (closing all deletes every one).
        var endedSteps = !commit.CloseAll && commit.ConsumedWorkItems.Count + commit.ClosedSteps.Count > 0
            ? commit.ConsumedWorkItems.Concat(commit.ClosedSteps).ToHashSet()
            : null;
        if (commit.CloseAll)
        {
            parts |= FencedTurn.Parts.CloseAll;
        }
        else
        {
            if (endedSteps is not null)
            {
                parts |= FencedTurn.Parts.StepWork;
                values["steps"] = endedSteps.ToArray();
            }

            if (commit.ClosedSteps.Count > 0)
            {
                parts |= FencedTurn.Parts.ClosedSteps;
                values["closed"] = commit.ClosedSteps.ToArray();
            }
        }

        // New work items join the fenced statement unless one takes the key of a work item it deletes.
        var works = commit.NewWorkItems;
        var workValues = prepared.WorkInputs.Length == 0 ? null : new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["id"] = id,
            ["now"] = now,
            ["work_steps"] = works.Select(x => x.StepId).ToArray(),
            ["queues"] = works.Select(x => x.Queue).ToArray(),
            ["names"] = works.Select(x => x.Name).ToArray(),
            ["inputs"] = prepared.WorkInputs,
            ["owners"] = works.Select(work => commit.LocalQueues.Contains(work.Queue) ? commit.Owner : null).ToArray(),
            ["start_to_close"] = works.Select(x => (long?)x.StartToClose?.TotalMilliseconds).ToArray(),
            ["heartbeats"] = works.Select(x => (long?)x.HeartbeatTimeout?.TotalMilliseconds).ToArray(),
        };
        var workJoins = workValues is not null && !commit.CloseAll && (endedSteps is null || !works.Any(w => endedSteps.Contains(w.StepId)));
        if (workJoins)
        {
            parts |= FencedTurn.Parts.NewWork;
            foreach (var (name, value) in workValues!)
            {
                values[name] = value;
            }
        }

        batch.Add(FencedTurn.Sql(parts), values, returnsRows: true);

        if (commit.HistoryReset)
        {
            batch.Add("DELETE FROM history WHERE instance_id = $id", [id]);
            if (prepared.Events.Length > 0)
            {
                batch.Add(FencedTurn.AppendHistory, values);
            }
        }

        if (workValues is not null && !workJoins)
        {
            batch.Add(FencedTurn.InsertWork, workValues);
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
