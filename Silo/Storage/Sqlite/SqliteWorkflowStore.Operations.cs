using Baton.History;

namespace Baton.Silo.Storage.Sqlite;

// What clients do to instances besides starting them: messages, callbacks, listing, restart and purge.
internal sealed partial class SqliteWorkflowStore
{
    private static readonly string[] InstanceTables = ["history", "messages", "work_items", "callbacks", "payloads", "instances"];

    public async Task<SendOutcome> SendAsync(string instanceId, HistoryEvent message, Func<WorkflowRuntimeStatus, bool> allowed, DateTime now, CancellationToken cancellationToken)
    {
        var payloads = new List<PayloadRow>();
        var body = Serialize(message with { Timestamp = now }, instanceId, payloads);
        var (outcome, partition) = await Writer.WriteAsync(w =>
        {
            using var reader = w.Statement("SELECT partition, status FROM instances WHERE instance_id = $id").Query(instanceId);
            if (!reader.Read())
            {
                return (new SendOutcome(false, default, false), -1);
            }

            var partition = reader.GetInt32(0);
            var status = (WorkflowRuntimeStatus)reader.GetInt32(1);
            reader.Close();
            if (!allowed(status))
            {
                return (new SendOutcome(true, status, false), partition);
            }

            w.Statement("INSERT INTO messages (partition, instance_id, visible_at, body) VALUES ($p, $id, $at, $body)").Execute(partition, instanceId, now.Ticks, body);
            InsertPayloads(w, payloads);
            return (new SendOutcome(true, status, true), partition);
        }).ConfigureAwait(false);

        if (outcome.Sent)
        {
            MessagesAdded?.Invoke(partition);
        }

        return outcome;
    }

    public async Task<CallbackOutcome> SendToCallbackAsync(string tokenId, string instanceId, HistoryEvent message, bool usesUp, DateTime now, CancellationToken cancellationToken)
    {
        var payloads = new List<PayloadRow>();
        var body = Serialize(message with { Timestamp = now }, instanceId, payloads);
        var partition = await Writer.WriteAsync(w =>
        {
            using var reader = w.Statement("""
                SELECT i.partition FROM callbacks c JOIN instances i ON i.instance_id = c.instance_id
                WHERE c.token_id = $token AND c.instance_id = $id AND c.used = 0
                """).Query(tokenId, instanceId);
            if (!reader.Read())
            {
                return -1;
            }

            var partition = reader.GetInt32(0);
            reader.Close();
            if (usesUp)
            {
                w.Statement("UPDATE callbacks SET used = 1 WHERE token_id = $token").Execute(tokenId);
            }

            w.Statement("INSERT INTO messages (partition, instance_id, visible_at, body) VALUES ($p, $id, $at, $body)").Execute(partition, instanceId, now.Ticks, body);
            InsertPayloads(w, payloads);
            return partition;
        }).ConfigureAwait(false);

        if (partition < 0)
        {
            return CallbackOutcome.NotPending;
        }

        MessagesAdded?.Invoke(partition);
        return CallbackOutcome.Delivered;
    }

    public async Task<SendOutcome> RecreateAsync(InstanceRow row, int partition, WorkflowStarted start, CancellationToken cancellationToken)
    {
        var payloads = new List<PayloadRow>();
        var body = Serialize(start, row.InstanceId, payloads);
        var input = _payloads.Offload(row.Input, row.InstanceId, payloads);
        var outcome = await Writer.WriteAsync(w =>
        {
            var found = StatusOf(w, row.InstanceId);
            if (found is not { } status || !status.IsTerminal())
            {
                return new SendOutcome(found is not null, found ?? default, false);
            }

            DeleteInstance(w, row.InstanceId);
            w.Statement("""
                INSERT INTO instances (instance_id, partition, name, status, created_at, updated_at, input, version)
                VALUES ($id, $p, $name, $status, $created, $created, $input, $version)
                """).Execute(row.InstanceId, partition, row.Name, (int)WorkflowRuntimeStatus.Pending, row.CreatedAt.Ticks, input, row.Version);
            w.Statement("INSERT INTO messages (partition, instance_id, visible_at, body) VALUES ($p, $id, $at, $body)")
                .Execute(partition, row.InstanceId, row.CreatedAt.Ticks, body);
            InsertPayloads(w, payloads);
            return new SendOutcome(true, status, true);
        }).ConfigureAwait(false);

        if (outcome.Sent)
        {
            MessagesAdded?.Invoke(partition);
        }

        return outcome;
    }

    public Task<SendOutcome> PurgeAsync(string instanceId, CancellationToken cancellationToken) =>
        Writer.WriteAsync(w =>
        {
            var found = StatusOf(w, instanceId);
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
        var where = SqliteInstanceFilter.For(query.Name, filter.Statuses, query.CreatedFrom, query.CreatedTo, query.InstanceIdPrefix);
        var select = $"SELECT instance_id FROM instances {where.Where} LIMIT $limit";
        return Writer.WriteAsync(w =>
        {
            var ids = new List<string>();
            using (var reader = w.Statement(select).Query(where.Values(limit)))
            {
                while (reader.Read())
                {
                    ids.Add(reader.GetString(0));
                }
            }

            ids.ForEach(id => DeleteInstance(w, id));
            return ids.Count;
        });
    }

    public Task<WorkflowPage> ListAsync(WorkflowQuery query, CancellationToken cancellationToken)
    {
        var filter = SqliteInstanceFilter.For(query).After(query.ContinuationToken);
        using var connection = OpenReader();
        using var statement = new PreparedStatement(connection,
            $"SELECT {InstanceColumns} FROM instances {filter.Where} ORDER BY created_at DESC, instance_id DESC LIMIT $limit");
        var items = new List<WorkflowStatus>(query.PageSize);
        string? next = null;
        using var reader = statement.Query(filter.Values(query.PageSize + 1));
        while (reader.Read())
        {
            if (items.Count == query.PageSize)
            {
                var last = items[^1];
                next = ListContinuation.Create(last.CreatedAt.Ticks, last.InstanceId);
                break;
            }

            items.Add(ReadInstance(reader, connection).ToStatus(null));
        }

        return Task.FromResult(new WorkflowPage(items, next));
    }

    private static WorkflowRuntimeStatus? StatusOf(SqliteWriter w, string instanceId) =>
        w.Statement("SELECT status FROM instances WHERE instance_id = $id").Scalar(instanceId) is long status ? (WorkflowRuntimeStatus)status : null;

    private static void DeleteInstance(SqliteWriter w, string instanceId)
    {
        foreach (var table in InstanceTables)
        {
            w.Statement($"DELETE FROM {table} WHERE instance_id = $id").Execute(instanceId);
        }
    }
}
