using Baton.Grains.Storage;
using Baton.History;

namespace Baton.Silo.Storage.Sqlite;

// What clients do to instances besides starting them: messages, callbacks, listing, restart and purge.
internal sealed partial class SqliteWorkflowStore
{
    /// <summary>Deletes an instance's rows; those keyed by its number go before the row that gives it.</summary>
    private static readonly string[] DeleteInstanceStatements =
    [
        $"DELETE FROM history WHERE instance_number = {NumberOf}",
        $"DELETE FROM work_items WHERE instance_number = {NumberOf}",
        "DELETE FROM messages WHERE instance_id = $id",
        "DELETE FROM callbacks WHERE instance_id = $id",
        "DELETE FROM payloads WHERE instance_id = $id",
        "DELETE FROM instances WHERE instance_id = $id",
    ];

    public async Task<SendOutcome> SendAsync(string instanceId, HistoryEvent message, Func<WorkflowRuntimeStatus, bool> allowed, DateTime now, CancellationToken cancellationToken)
    {
        var payloads = new List<PayloadRow>();
        var body = Serialize(message with { Timestamp = now }, instanceId, payloads);
        return await Writer.WriteAsync(w =>
        {
            if (StatusOf(w, instanceId) is not { } status)
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
        }).ConfigureAwait(false);
    }

    public async Task<CallbackOutcome> SendToCallbackAsync(string tokenId, string instanceId, HistoryEvent message, bool usesUp, DateTime now, CancellationToken cancellationToken)
    {
        var payloads = new List<PayloadRow>();
        var body = Serialize(message with { Timestamp = now }, instanceId, payloads);
        return await Writer.WriteAsync(w =>
        {
            if (w.Statement("SELECT 1 FROM callbacks WHERE token_id = $token AND instance_id = $id AND used = 0").Scalar(tokenId, instanceId) is null)
            {
                return CallbackOutcome.NotPending;
            }

            if (usesUp)
            {
                w.Statement("UPDATE callbacks SET used = 1 WHERE token_id = $token").Execute(tokenId);
            }

            InsertMessage(w, instanceId, now, body);
            InsertPayloads(w, payloads);
            return CallbackOutcome.Delivered;
        }).ConfigureAwait(false);
    }

    /// <summary>
    /// Writes a message from outside the instance's own turns. An instance that no silo holds (owner NULL) is marked
    /// with the empty owner, which no silo has: if the wake-up that follows is lost, recovery still finds the message.
    /// </summary>
    private static void InsertMessage(SqliteWriter w, string instanceId, DateTime now, string body)
    {
        w.Statement("INSERT INTO messages (instance_id, visible_at, body) VALUES ($id, $at, $body)").Execute(instanceId, now.Ticks, body);
        w.Statement("UPDATE instances SET owner = '' WHERE instance_id = $id AND owner IS NULL AND status NOT IN (2, 3, 4)").Execute(instanceId);
    }

    public Task<SendOutcome> RecreateAsync(InstanceRow row, WorkflowStarted start, CancellationToken cancellationToken)
    {
        var payloads = new List<PayloadRow>();
        var body = Serialize(start, row.InstanceId, payloads);
        var input = _payloads.Offload(row.Input, row.InstanceId, payloads);
        return Writer.WriteAsync(w =>
        {
            var found = StatusOf(w, row.InstanceId);
            if (found is not { } status || !status.IsTerminal())
            {
                return new SendOutcome(found is not null, found ?? default, false);
            }

            // The new row continues the old revision, so that an activation still holding the old run can never commit.
            var revision = (long)w.Statement("SELECT revision FROM instances WHERE instance_id = $id").Scalar(row.InstanceId)!;
            DeleteInstance(w, row.InstanceId);
            w.Statement("""
                INSERT INTO instances (instance_id, name, status, created_at, updated_at, input, version, revision, owner)
                VALUES ($id, $name, $status, $created, $created, $input, $version, $revision, '')
                """).Execute(row.InstanceId, row.Name, (int)WorkflowRuntimeStatus.Pending, row.CreatedAt.Ticks, input, row.Version, revision + 1);
            w.Statement("INSERT INTO messages (instance_id, visible_at, body) VALUES ($id, $at, $body)").Execute(row.InstanceId, row.CreatedAt.Ticks, body);
            InsertPayloads(w, payloads);
            return new SendOutcome(true, status, true);
        });
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
        var where = InstanceFilter.For(InstanceFilter.Dialect.Sqlite, query.Namespace, query.Name, filter.Statuses, query.CreatedFrom, query.CreatedTo, query.InstanceIdPrefix);
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
        var filter = InstanceFilter.For(InstanceFilter.Dialect.Sqlite, query).After(query.ContinuationToken, query.OldestFirst);
        using var connection = OpenReader();
        using var statement = new PreparedStatement(connection,
            $"SELECT {InstanceColumns} FROM instances {filter.Where} {InstanceFilter.OrderBy(query.OldestFirst)} LIMIT $limit");
        var items = new List<WorkflowStatus>(query.PageSize);
        string? next = null;
        string? lastKey = null;
        using var reader = statement.Query(filter.Values(query.PageSize + 1));
        while (reader.Read())
        {
            if (items.Count == query.PageSize)
            {
                next = ListContinuation.Create(items[^1].CreatedAt.Ticks, lastKey!);
                break;
            }

            var row = ReadInstance(reader, connection);
            lastKey = row.InstanceId;
            items.Add(row.ToStatus(null));
        }

        return Task.FromResult(new WorkflowPage(items, next));
    }

    private static WorkflowRuntimeStatus? StatusOf(SqliteWriter w, string instanceId) =>
        w.Statement("SELECT status FROM instances WHERE instance_id = $id").Scalar(instanceId) is long status ? (WorkflowRuntimeStatus)status : null;

    private static void DeleteInstance(SqliteWriter w, string instanceId)
    {
        foreach (var statement in DeleteInstanceStatements)
        {
            w.Statement(statement).Execute(instanceId);
        }
    }
}
