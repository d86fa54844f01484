using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Baton.Grains.Storage;
using Baton.History;
using Baton.Serialization;

namespace Baton.Silo.Storage.Azure;

// Activity work items: claims by workers (through the queue hints) and results delivered through the store.
internal sealed partial class AzureWorkflowStore
{
    public async Task<bool> DeliverResultAsync(WorkItem item, HistoryEvent result, DateTime now, CancellationToken cancellationToken)
    {
        var body = await PrepareMessageAsync(item.InstanceId, result, cancellationToken).ConfigureAwait(false);
        var pk = AzureKeys.Escape(item.InstanceId);
        while (true)
        {
            var work = await Instances.GetEntityIfExistsAsync<TableEntity>(pk, AzureKeys.Work(item.StepId), cancellationToken: cancellationToken).ConfigureAwait(false);
            var status = await ReadInstanceEntityAsync(item.InstanceId, cancellationToken).ConfigureAwait(false);
            if (!work.HasValue || work.Value!.GetBoolean("Gone") == true || status is null)
            {
                return false; // Already answered, or withdrawn: recording it would be a second result.
            }

            if (await TryInsertMessageAsync(item.InstanceId, status, body, now, [new(TableTransactionActionType.Delete, work.Value, work.Value.ETag)], cancellationToken).ConfigureAwait(false))
            {
                _workQueues.TryRemove((item.InstanceId, item.StepId), out _);
                await AzureBatch.DeleteOneAsync(Index, AzureKeys.Queue(item.Queue), AzureKeys.QueueRow(item.InstanceId, item.StepId), cancellationToken).ConfigureAwait(false);
                return true;
            }
        }
    }

    public async Task<IReadOnlyList<WorkItem>> ClaimWorkItemsAsync(string siloId, IReadOnlyCollection<string> queues, IReadOnlyCollection<string> liveSilos, int limit, CancellationToken cancellationToken)
    {
        var claimed = new List<WorkItem>();
        if (limit <= 0)
        {
            return claimed;
        }

        // Only hints that no live silo holds come back; each is checked against its work item, which a claim takes by its ETag.
        var unheld = "(Owner eq ''" + (liveSilos.Count == 0 ? "" : " or (" + string.Join(" and ", liveSilos.Select(s => $"Owner ne '{Quote(s)}'")) + ")") + ")";
        foreach (var queue in queues)
        {
            var partition = AzureKeys.Queue(queue);
            await foreach (var hint in Index.QueryAsync<TableEntity>($"PartitionKey eq '{Quote(partition)}' and {unheld}", maxPerPage: Math.Min(1000, limit * 4), cancellationToken: cancellationToken).ConfigureAwait(false))
            {
                if (await TryClaimAsync(siloId, queue, hint, liveSilos, cancellationToken).ConfigureAwait(false) is { } item)
                {
                    claimed.Add(item);
                    if (claimed.Count >= limit)
                    {
                        return claimed;
                    }
                }
            }
        }

        return claimed;
    }

    private async Task<WorkItem?> TryClaimAsync(string siloId, string queue, TableEntity hint, IReadOnlyCollection<string> liveSilos, CancellationToken cancellationToken)
    {
        var (key, step) = AzureKeys.ParseQueueRow(hint.RowKey);
        var pk = AzureKeys.Escape(key);
        var response = await Instances.GetEntityIfExistsAsync<TableEntity>(pk, AzureKeys.Work(step), cancellationToken: cancellationToken).ConfigureAwait(false);
        if (!response.HasValue || response.Value!.GetBoolean("Gone") == true)
        {
            await AzureBatch.DeleteOneAsync(Index, hint.PartitionKey, hint.RowKey, cancellationToken).ConfigureAwait(false);
            return null;
        }

        var work = response.Value;
        var lease = work.GetString("LeaseOwner") ?? "";
        if (lease.Length > 0 && liveSilos.Contains(lease))
        {
            await Index.UpsertEntityAsync(new TableEntity(hint.PartitionKey, hint.RowKey) { ["Owner"] = lease }, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
            return null; // The hint was behind: a live silo holds it.
        }

        var deliveries = (work.GetInt32("Deliveries") ?? 0) + 1;
        try
        {
            await Instances.UpdateEntityAsync(new TableEntity(pk, work.RowKey) { ["LeaseOwner"] = siloId, ["Deliveries"] = deliveries }, work.ETag, TableUpdateMode.Merge, cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException ex) when (ex.Status is 404 or 412)
        {
            return null; // Claimed, answered or withdrawn by someone else meanwhile.
        }

        await Index.UpsertEntityAsync(new TableEntity(hint.PartitionKey, hint.RowKey) { ["Owner"] = siloId }, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
        _workQueues[(key, step)] = queue;
        var startToClose = work.GetInt64("StartToCloseMs") ?? -1;
        var heartbeat = work.GetInt64("HeartbeatMs") ?? -1;
        return new WorkItem(key, step, work.GetString("Queue"), work.GetString("Name"), await ReadPayloadAsync(key, work.GetString("Input"), cancellationToken).ConfigureAwait(false), deliveries)
        {
            StartToClose = startToClose < 0 ? null : TimeSpan.FromMilliseconds(startToClose),
            HeartbeatTimeout = heartbeat < 0 ? null : TimeSpan.FromMilliseconds(heartbeat),
        };
    }
}
