using Baton.Grains.Storage;
using Baton.History;

namespace Baton.Silo.Storage.Postgres;

// Activity work items: claims by workers and results delivered through the store.
internal sealed partial class PostgresWorkflowStore
{
    public Task<bool> DeliverResultAsync(WorkItem item, HistoryEvent result, DateTime now, CancellationToken cancellationToken)
    {
        var payloads = new List<PayloadRow>();
        var body = Serialize(result, item.InstanceId, payloads);
        return Writer.WriteAsync(w =>
        {
            if (w.Execute("DELETE FROM work_items WHERE instance_id = $id AND step_id = $step", item.InstanceId, item.StepId) == 0)
            {
                return false; // Already answered, or withdrawn: recording it would be a second result.
            }

            InsertMessage(w, item.InstanceId, now, body);
            InsertPayloads(w, payloads);
            return true;
        });
    }

    public async Task<IReadOnlyList<WorkItem>> ClaimWorkItemsAsync(string siloId, IReadOnlyCollection<string> queues, IReadOnlyCollection<string> liveSilos, int limit, CancellationToken cancellationToken)
    {
        if (queues.Count == 0 || limit <= 0)
        {
            return [];
        }

        const string Claimable = "queue = ANY($queues) AND (lease_owner IS NULL OR NOT (lease_owner = ANY($live)))";
        var queueArray = queues.ToArray();
        var liveArray = liveSilos.ToArray();
        await using (var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false))
        await using (var exists = PostgresStatement.For($"SELECT EXISTS (SELECT 1 FROM work_items WHERE {Claimable})").Command(connection, [queueArray, liveArray]))
        {
            // Most polls find nothing: answering from a reader spares the writer a commit.
            if (!(bool)(await exists.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!)
            {
                return [];
            }
        }

        return await Writer.WriteAsync<IReadOnlyList<WorkItem>>(w =>
        {
            // SKIP LOCKED: items another silo is claiming right now are left to it rather than waited for.
            var claimed = w.Query($"""
                UPDATE work_items w SET lease_owner = $owner, deliveries = w.deliveries + 1
                FROM (SELECT instance_id, step_id FROM work_items WHERE {Claimable} LIMIT $limit FOR UPDATE SKIP LOCKED) c
                WHERE w.instance_id = c.instance_id AND w.step_id = c.step_id
                RETURNING w.instance_id, w.step_id, w.queue, w.name, w.input, w.deliveries, w.start_to_close_ms, w.heartbeat_ms
                """, siloId, queueArray, liveArray, (long)limit)
                .Select(r => new WorkItem((string)r[0]!, (int)r[1]!, (string)r[2]!, (string)r[3]!, (string?)r[4], (int)r[5]!)
                {
                    StartToClose = r[6] is long startToClose ? TimeSpan.FromMilliseconds(startToClose) : null,
                    HeartbeatTimeout = r[7] is long heartbeat ? TimeSpan.FromMilliseconds(heartbeat) : null,
                })
                .ToList();
            for (var i = 0; i < claimed.Count; i++)
            {
                var item = claimed[i];
                if (PayloadOffloader.MayReference(item.Input))
                {
                    claimed[i] = item with { Input = _payloads.Resolve(item.Input, hash => (string)w.Scalar("SELECT data FROM payloads WHERE instance_id = $id AND hash = $hash", item.InstanceId, hash)!) };
                }
            }

            return claimed;
        }).ConfigureAwait(false);
    }
}
