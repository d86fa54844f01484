using Baton.Grains.Storage;
using Baton.History;

namespace Baton.Silo.Storage.Postgres;

// What clients do to instances besides starting them: messages, callbacks, listing, restart and purge.
internal sealed partial class PostgresWorkflowStore
{
    private static readonly string[] InstanceTables = ["history", "messages", "work_items", "callbacks", "payloads", "instances"];

    public Task<SendOutcome> SendAsync(string instanceId, HistoryEvent message, Func<WorkflowRuntimeStatus, bool> allowed, DateTime now, CancellationToken cancellationToken)
    {
        var payloads = new List<PayloadRow>();
        var body = Serialize(message with { Timestamp = now }, instanceId, payloads);
        return Writer.WriteAsync(w =>
        {
            // Locked, so that the status cannot change between the check and the message.
            if (StatusOf(w, instanceId, forUpdate: true) is not { } status)
            {
                return new SendOutcome(false, default, false);
            }

            if (!allowed(status))
            {
                return new SendOutcome(true, status, false);
            }

            InsertMessage(w, instanceId, now, body);
            InsertPayloads(w, payloads);
            return new SendOutcome(true, status, true);
        });
    }

    public Task<CallbackOutcome> SendToCallbackAsync(string tokenId, string instanceId, HistoryEvent message, bool usesUp, DateTime now, CancellationToken cancellationToken)
    {
        var payloads = new List<PayloadRow>();
        var body = Serialize(message with { Timestamp = now }, instanceId, payloads);
        return Writer.WriteAsync(w =>
        {
            if (w.Scalar("SELECT 1 FROM callbacks WHERE token_id = $token AND instance_id = $id AND NOT used FOR UPDATE", tokenId, instanceId) is null)
            {
                return CallbackOutcome.NotPending;
            }

            if (usesUp)
            {
                w.Execute("UPDATE callbacks SET used = true WHERE token_id = $token", tokenId);
            }

            InsertMessage(w, instanceId, now, body);
            InsertPayloads(w, payloads);
            return CallbackOutcome.Delivered;
        });
    }

    /// <summary>
    /// Writes a message from outside the instance's own turns. An instance that no silo holds (owner NULL) is marked
    /// with the empty owner, which no silo has: if the wake-up that follows is lost, recovery still finds the message.
    /// </summary>
    private static void InsertMessage(PostgresWriter w, string instanceId, DateTime now, string body)
    {
        w.Execute("INSERT INTO messages (instance_id, visible_at, body) VALUES ($id, $at, $body)", instanceId, now.Ticks, body);
        w.Execute("UPDATE instances SET owner = '' WHERE instance_id = $id AND owner IS NULL AND status NOT IN (2, 3, 4)", instanceId);
    }

    public Task<SendOutcome> RecreateAsync(InstanceRow row, WorkflowStarted start, CancellationToken cancellationToken)
    {
        var payloads = new List<PayloadRow>();
        var body = Serialize(start, row.InstanceId, payloads);
        var input = _payloads.Offload(row.Input, row.InstanceId, payloads);
        return Writer.WriteAsync(w =>
        {
            var found = w.Query("SELECT status, revision FROM instances WHERE instance_id = $id FOR UPDATE", row.InstanceId)
                .Select(r => ((WorkflowRuntimeStatus)(int)r[0]!, (long)r[1]!)).ToList();
            if (found.Count == 0 || !found[0].Item1.IsTerminal())
            {
                return new SendOutcome(found.Count > 0, found.Count > 0 ? found[0].Item1 : default, false);
            }

            // The new row continues the old revision, so that an activation still holding the old run can never commit.
            var (status, revision) = found[0];
            DeleteInstance(w, row.InstanceId);
            w.Execute("""
                INSERT INTO instances (instance_id, name, status, created_at, updated_at, input, version, revision, owner)
                VALUES ($id, $name, $status, $created, $created, $input, $version, $revision, '')
                """, row.InstanceId, row.Name, (int)WorkflowRuntimeStatus.Pending, row.CreatedAt.Ticks, input, row.Version, revision + 1);
            w.Execute("INSERT INTO messages (instance_id, visible_at, body) VALUES ($id, $at, $body)", row.InstanceId, row.CreatedAt.Ticks, body);
            InsertPayloads(w, payloads);
            return new SendOutcome(true, status, true);
        });
    }

    public Task<SendOutcome> PurgeAsync(string instanceId, CancellationToken cancellationToken) =>
        Writer.WriteAsync(w =>
        {
            var found = StatusOf(w, instanceId, forUpdate: true);
            if (found is not { } status || !status.IsTerminal())
            {
                return new SendOutcome(found is not null, found ?? default, false);
            }

            DeleteInstance(w, instanceId);
            return new SendOutcome(true, status, true);
        });

    public Task<int> PurgeAsync(PurgeFilter filter, int limit, CancellationToken cancellationToken)
    {
        var query = filter.Query;
        var where = InstanceFilter.For(InstanceFilter.Dialect.Postgres, query.Namespace, query.Name, filter.Statuses, query.CreatedFrom, query.CreatedTo, query.InstanceIdPrefix);
        var select = $"SELECT instance_id FROM instances {where.Where} LIMIT $limit FOR UPDATE SKIP LOCKED";
        return Writer.WriteAsync(w =>
        {
            var ids = w.Query(select, where.Values((long)limit)).Select(r => (string)r[0]!).ToArray();
            if (ids.Length > 0)
            {
                foreach (var table in InstanceTables)
                {
                    w.Execute($"DELETE FROM {table} WHERE instance_id = ANY($ids)", [ids]);
                }
            }

            return ids.Length;
        });
    }

    public async Task<WorkflowPage> ListAsync(WorkflowQuery query, CancellationToken cancellationToken)
    {
        var filter = InstanceFilter.For(InstanceFilter.Dialect.Postgres, query).After(query.ContinuationToken, query.OldestFirst);
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var rows = await ReadInstancesAsync(connection,
            $"SELECT {InstanceColumns} FROM instances {filter.Where} {InstanceFilter.OrderBy(query.OldestFirst)} LIMIT $limit",
            filter.Values((long)query.PageSize + 1), cancellationToken).ConfigureAwait(false);
        string? next = null;
        if (rows.Count > query.PageSize)
        {
            rows.RemoveAt(rows.Count - 1);
            var last = rows[^1];
            next = ListContinuation.Create(last.CreatedAt.Ticks, last.InstanceId);
        }

        return new WorkflowPage(rows.Select(r => r.ToStatus(null)).ToList(), next);
    }

    private static WorkflowRuntimeStatus? StatusOf(PostgresWriter w, string instanceId, bool forUpdate) =>
        w.Scalar($"SELECT status FROM instances WHERE instance_id = $id{(forUpdate ? " FOR UPDATE" : "")}", instanceId) is int status
            ? (WorkflowRuntimeStatus)status
            : null;

    private static void DeleteInstance(PostgresWriter w, string instanceId)
    {
        foreach (var table in InstanceTables)
        {
            w.Execute($"DELETE FROM {table} WHERE instance_id = $id", instanceId);
        }
    }
}
