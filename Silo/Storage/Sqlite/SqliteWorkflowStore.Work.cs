using Baton.Grains.Storage;
using System.Globalization;
using System.Text.Json;
using Baton.History;
using Baton.Serialization;

namespace Baton.Silo.Storage.Sqlite;

// Activity work items: claims by workers and results delivered through the store.
internal sealed partial class SqliteWorkflowStore
{
    public Task<bool> DeliverResultAsync(WorkItem item, HistoryEvent result, DateTime now, CancellationToken cancellationToken)
    {
        var payloads = new List<PayloadRow>();
        var body = Serialize(result, item.InstanceId, payloads);
        return Writer.WriteAsync(w =>
        {
            if (w.Statement($"DELETE FROM work_items WHERE instance_number = {NumberOf} AND step_id = $step").Execute(item.InstanceId, item.StepId) == 0)
            {
                return false; // Already answered, or withdrawn: recording it would be a second result.
            }

            InsertMessage(w, item.InstanceId, now, body);
            InsertPayloads(w, payloads);
            return true;
        });
    }

    public Task<IReadOnlyList<WorkItem>> ClaimWorkItemsAsync(string siloId, IReadOnlyCollection<string> queues, IReadOnlyCollection<string> liveSilos, int limit, CancellationToken cancellationToken)
    {
        if (queues.Count == 0 || limit <= 0)
        {
            return Task.FromResult<IReadOnlyList<WorkItem>>([]);
        }

        var queueParameters = string.Join(", ", queues.Select((_, i) => $"$q{i}"));
        var liveParameters = string.Join(", ", liveSilos.Select((_, i) => $"$s{i}"));
        var select = $"""
            SELECT instance_id, step_id, queue, name, input, deliveries, start_to_close_ms, heartbeat_ms, instance_number FROM work_items
            WHERE queue IN ({queueParameters})
              AND (lease_owner IS NULL {(liveSilos.Count > 0 ? $"OR lease_owner NOT IN ({liveParameters})" : "OR 1 = 1")})
            LIMIT $limit
            """;
        var arguments = queues.Cast<object?>().Concat(liveSilos).Append(limit).ToArray();
        if (!AnyClaimable(select, arguments))
        {
            // Most polls find nothing: answering from a reader spares the writer a synced commit.
            return Task.FromResult<IReadOnlyList<WorkItem>>([]);
        }

        return Writer.WriteAsync<IReadOnlyList<WorkItem>>(w =>
        {
            var claimed = new List<WorkItem>();
            var numbers = new List<long>();
            using (var reader = w.Statement(select).Query(arguments))
            {
                while (reader.Read())
                {
                    claimed.Add(new WorkItem(reader.GetString(0), reader.GetInt32(1), reader.GetString(2),
                        reader.GetString(3), reader.IsDBNull(4) ? null : reader.GetString(4), reader.GetInt32(5) + 1)
                    {
                        StartToClose = reader.IsDBNull(6) ? null : TimeSpan.FromMilliseconds(reader.GetInt64(6)),
                        HeartbeatTimeout = reader.IsDBNull(7) ? null : TimeSpan.FromMilliseconds(reader.GetInt64(7)),
                    });
                    numbers.Add(reader.GetInt64(8));
                }
            }

            var lease = w.Statement("UPDATE work_items SET lease_owner = $owner, deliveries = deliveries + 1 WHERE instance_number = $number AND step_id = $step");
            var load = w.Statement("SELECT data FROM payloads WHERE instance_id = $id AND hash = $hash");
            for (var i = 0; i < claimed.Count; i++)
            {
                var item = claimed[i];
                lease.Execute(siloId, numbers[i], item.StepId);
                if (PayloadOffloader.MayReference(item.Input))
                {
                    claimed[i] = item with { Input = _payloads.Resolve(item.Input, hash => (string)load.Scalar(item.InstanceId, hash)!) };
                }
            }

            return claimed;
        });
    }

    private bool AnyClaimable(string select, object?[] arguments)
    {
        using var connection = OpenReader();
        using var exists = new PreparedStatement(connection, $"SELECT EXISTS ({select})");
        return Convert.ToInt64(exists.Scalar(arguments), CultureInfo.InvariantCulture) == 1;
    }
}
