namespace Baton.Silo.Storage.Postgres;

/// <summary>
/// The statement at the heart of a turn's commit: the instance row's fenced update, with the changes that need no order
/// among themselves riding along as data-modifying <c>WITH</c> clauses: the status log entry, the appended history and the
/// deletion of what the turn consumed or closed. Every statement costs the server a round of executor work whatever it
/// does, and a five-step workflow's turns were five or six statements each; now most are two.
/// </summary>
/// <remarks>
/// All clauses of one statement see the same snapshot: the status log reads the row's status before the update, and no
/// clause sees another's rows. So what must see an earlier change (inserts of work items that may reuse a deleted step's
/// key, a history rewritten from the start) stays in statements of its own after this one. When the revision has moved
/// on, <c>baton_require</c> fails the statement, and with it every clause. New work items ride along only when none
/// reuses the key of one the statement deletes: the insert would meet the row its sibling deletes.
/// </remarks>
internal static class FencedTurn
{
    [Flags]
    public enum Parts
    {
        None = 0,

        /// <summary>The status may change (<c>InstanceCommit.MayChangeStatus</c>): a change is logged.</summary>
        Status = 1,

        /// <summary>Events are appended to the history.</summary>
        History = 2,

        /// <summary>Consumed messages are deleted by id.</summary>
        ConsumedMessages = 4,

        /// <summary>The instance finished: all its work items, step messages and callbacks are deleted.</summary>
        CloseAll = 8,

        /// <summary>Work items of consumed or closed steps are deleted.</summary>
        StepWork = 16,

        /// <summary>Messages and callbacks of closed steps are deleted.</summary>
        ClosedSteps = 32,

        /// <summary>New work items are inserted; only when none has the key of a work item this statement deletes.</summary>
        NewWork = 64,
    }

    /// <summary>
    /// The insert of a turn's new work items: a clause of the statement when <see cref="Parts.NewWork"/> is set, or a
    /// statement of its own after it otherwise.
    /// </summary>
    public const string InsertWork = """
        INSERT INTO work_items (instance_id, step_id, queue, name, input, lease_owner, deliveries, created_at, start_to_close_ms, heartbeat_ms)
        SELECT $id, u.step_id, u.queue, u.name, u.input, u.owner, CASE WHEN u.owner IS NULL THEN 0 ELSE 1 END, $now, u.start_to_close, u.heartbeat
        FROM unnest($work_steps::int[], $queues::text[], $names::text[], $inputs::text[], $owners::text[], $start_to_close::bigint[], $heartbeats::bigint[])
            AS u (step_id, queue, name, input, owner, start_to_close, heartbeat)
        ON CONFLICT (instance_id, step_id) DO NOTHING
        """;

    /// <summary>
    /// The append of a turn's events to the history: a clause of the statement when <see cref="Parts.History"/> is set, or
    /// a statement of its own after the old history's deletion when the turn rewrites it from the start.
    /// </summary>
    public const string AppendHistory = """
        INSERT INTO history (instance_id, position, event)
        SELECT $id, $first + e.ordinality - 1, e.event FROM unnest($events::text[]) WITH ORDINALITY AS e (event, ordinality)
        """;

    private const Parts All = Parts.Status | Parts.History | Parts.ConsumedMessages | Parts.CloseAll | Parts.StepWork | Parts.ClosedSteps | Parts.NewWork;

    // Every combination, written once: the text is the key of Npgsql's prepared statements and of the parameter rewriting.
    private static readonly string[] Texts = Enumerable.Range(0, (int)All + 1).Select(parts => Write((Parts)parts)).ToArray();

    /// <summary>The statement for <paramref name="parts"/>; its parameters are named as <see cref="PostgresWorkflowStore"/> binds them.</summary>
    public static string Sql(Parts parts) => Texts[(int)parts];

    private static string Write(Parts parts)
    {
        if (parts.HasFlag(Parts.CloseAll))
        {
            parts &= ~(Parts.StepWork | Parts.ClosedSteps); // Closing all closes every step: the combination never comes.
        }

        var clauses = new List<string>
        {
            $"""
            fenced AS (
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
            """,
        };

        if (parts.HasFlag(Parts.Status))
        {
            // The snapshot's row is the row before the update: nothing is logged when the status stays.
            clauses.Add("""
                logged AS (
                    INSERT INTO status_events (instance_id, name, status, previous_status, at, reason)
                    SELECT instance_id, name, $status, status, $now, $reason FROM instances
                    WHERE instance_id = $id AND revision = $expected AND status <> $status)
                """);
        }

        if (parts.HasFlag(Parts.History))
        {
            clauses.Add($"appended AS ({AppendHistory})");
        }

        if (parts.HasFlag(Parts.ConsumedMessages))
        {
            clauses.Add("consumed AS (DELETE FROM messages WHERE id = ANY($consumed))");
        }

        if (parts.HasFlag(Parts.CloseAll))
        {
            clauses.Add("closed_work AS (DELETE FROM work_items WHERE instance_id = $id)");
            clauses.Add("closed_messages AS (DELETE FROM messages WHERE instance_id = $id AND step_id IS NOT NULL)");
            clauses.Add("closed_callbacks AS (DELETE FROM callbacks WHERE instance_id = $id)");
        }

        if (parts.HasFlag(Parts.StepWork))
        {
            clauses.Add("done_work AS (DELETE FROM work_items WHERE instance_id = $id AND step_id = ANY($steps::int[]))");
        }

        if (parts.HasFlag(Parts.ClosedSteps))
        {
            clauses.Add("closed_messages AS (DELETE FROM messages WHERE instance_id = $id AND step_id = ANY($closed::int[]))");
            clauses.Add("closed_callbacks AS (DELETE FROM callbacks WHERE instance_id = $id AND step_id = ANY($closed::int[]))");
        }

        if (parts.HasFlag(Parts.NewWork))
        {
            clauses.Add($"new_work AS ({InsertWork})");
        }

        // A row deleted by two clauses (a consumed message of a closed step) is deleted once: PostgreSQL skips a row its own
        // statement already deleted.
        return $"""
            WITH {string.Join(",\n", clauses)}
            SELECT baton_require(EXISTS (SELECT 1 FROM fenced), '{PostgresSchema.ConflictState}', 'the instance was committed by another activation')
            """;
    }
}
