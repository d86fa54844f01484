using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Baton.Grains.Storage;
using Baton.History;
using Baton.Serialization;

namespace Baton.Silo.Storage.Azure;

// What clients do to instances besides starting them: messages, callbacks, restart and purge.
internal sealed partial class AzureWorkflowStore
{
    public async Task<SendOutcome> SendAsync(string instanceId, HistoryEvent message, Func<WorkflowRuntimeStatus, bool> allowed, DateTime now, CancellationToken cancellationToken)
    {
        var body = await PrepareMessageAsync(instanceId, message with { Timestamp = now }, cancellationToken).ConfigureAwait(false);
        while (true)
        {
            var row = await ReadInstanceEntityAsync(instanceId, cancellationToken).ConfigureAwait(false);
            if (row is null)
            {
                return new SendOutcome(false, default, false);
            }

            var status = (WorkflowRuntimeStatus)row.GetInt32("Status")!.Value;
            if (!allowed(status))
            {
                return new SendOutcome(true, status, false);
            }

            if (await TryInsertMessageAsync(instanceId, row, body, now, [], cancellationToken).ConfigureAwait(false))
            {
                return new SendOutcome(true, status, true);
            }
        }
    }

    public async Task<CallbackOutcome> SendToCallbackAsync(string tokenId, string instanceId, HistoryEvent message, bool usesUp, DateTime now, CancellationToken cancellationToken)
    {
        var body = await PrepareMessageAsync(instanceId, message with { Timestamp = now }, cancellationToken).ConfigureAwait(false);
        var pk = AzureKeys.Escape(instanceId);
        while (true)
        {
            var callback = await Instances.GetEntityIfExistsAsync<TableEntity>(pk, AzureKeys.Callback(tokenId), cancellationToken: cancellationToken).ConfigureAwait(false);
            if (!callback.HasValue || callback.Value!.GetBoolean("Gone") == true || callback.Value.GetBoolean("Used") == true)
            {
                return CallbackOutcome.NotPending;
            }

            var row = await ReadInstanceEntityAsync(instanceId, cancellationToken).ConfigureAwait(false);
            if (row is null)
            {
                return CallbackOutcome.NotPending;
            }

            // Fenced on the callback's row, so that of two completions at once only one is delivered.
            var use = new TableEntity(pk, callback.Value.RowKey);
            if (usesUp)
            {
                use["Used"] = true;
            }

            if (await TryInsertMessageAsync(instanceId, row, body, now, [new(TableTransactionActionType.UpdateMerge, use, callback.Value.ETag)], cancellationToken).ConfigureAwait(false))
            {
                return CallbackOutcome.Delivered;
            }
        }
    }

    /// <summary>
    /// Writes a message from outside the instance's own turns, with <paramref name="fenced"/> in the same transaction. An
    /// unfinished instance that no silo holds is marked with the empty owner, which no silo has: if the wake-up that follows
    /// is lost, recovery still finds the message.
    /// </summary>
    /// <returns>False when a row read before changed meanwhile (read again and retry).</returns>
    private async Task<bool> TryInsertMessageAsync(string instanceId, TableEntity status, string body, DateTime now, List<TableTransactionAction> fenced, CancellationToken cancellationToken)
    {
        var pk = AzureKeys.Escape(instanceId);
        var id = AzureKeys.NewMessageId(now);
        var hints = new List<TableEntity> { DueHint(instanceId, id) };
        var actions = new List<TableTransactionAction>(fenced);
        var mark = status.GetBoolean("Held") != true && !((WorkflowRuntimeStatus)status.GetInt32("Status")!.Value).IsTerminal();
        if (mark)
        {
            hints.AddRange(await OwnerHintsAsync(instanceId, "", cancellationToken).ConfigureAwait(false));
            actions.Add(new(TableTransactionActionType.UpdateMerge, new TableEntity(pk, AzureKeys.Instance) { ["Held"] = true, ["Owner"] = "" }, status.ETag));
        }

        await WriteHintsAsync(hints, cancellationToken).ConfigureAwait(false);
        var message = MessageRow(AzureKeys.Message(id), now, body, -1, "");
        message.PartitionKey = pk;
        actions.Add(new(TableTransactionActionType.Add, message));
        try
        {
            await Instances.SubmitTransactionAsync(actions, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (TableTransactionFailedException ex) when (ex.Status is 404 or 409 or 412)
        {
            return false;
        }
    }

    /// <summary>A message's stored text: serialised, its large payloads and text written to blobs.</summary>
    private async Task<string> PrepareMessageAsync(string instanceId, HistoryEvent message, CancellationToken cancellationToken)
    {
        var payloads = new List<PayloadRow>();
        var spilled = new List<(string Path, string Text)>();
        var body = Store(instanceId, JsonSerializer.Serialize(_payloads.Offload(message, instanceId, payloads), BatonJson.Options), spilled);
        await WriteBlobsAsync(payloads, spilled, cancellationToken).ConfigureAwait(false);
        return body;
    }

    private Task WriteBlobsAsync(List<PayloadRow> payloads, List<(string Path, string Text)> spilled, CancellationToken cancellationToken) =>
        Task.WhenAll(payloads.Select(p => _blobs.WriteOnceAsync(AzureBlobs.Payload(p.InstanceId, p.Hash), p.Data, cancellationToken))
            .Concat(spilled.Select(s => _blobs.WriteOnceAsync(s.Path, s.Text, cancellationToken))));

    public async Task<SendOutcome> RecreateAsync(InstanceRow row, WorkflowStarted start, CancellationToken cancellationToken)
    {
        var key = row.InstanceId;
        var found = await ReadInstanceEntityAsync(key, cancellationToken).ConfigureAwait(false);
        var status = found is null ? default : (WorkflowRuntimeStatus)found.GetInt32("Status")!.Value;
        if (found is null || !status.IsTerminal())
        {
            return new SendOutcome(found is not null, status, false);
        }

        // The finished run's rows go first; a crash meanwhile leaves a finished instance that a second restart clears.
        await DeleteInstanceRowsAsync(key, found, keepStatusRow: true, cancellationToken).ConfigureAwait(false);

        var payloads = new List<PayloadRow>();
        var spilled = new List<(string Path, string Text)>();
        var input = Store(key, _payloads.Offload(row.Input, key, payloads), spilled);
        var body = Store(key, JsonSerializer.Serialize(_payloads.Offload(start, key, payloads), BatonJson.Options), spilled);
        var id = AzureKeys.NewMessageId(row.CreatedAt);
        var hints = ListingHints(key, row.Name, row.Version, row.CreatedAt).Append(DueHint(key, id)).ToList();
        hints.AddRange(await OwnerHintsAsync(key, "", cancellationToken).ConfigureAwait(false));
        await Task.WhenAll(WriteBlobsAsync(payloads, spilled, cancellationToken), WriteHintsAsync(hints, cancellationToken)).ConfigureAwait(false);

        var pk = AzureKeys.Escape(key);
        // The new row continues the old revision, so that an activation still holding the old run can never commit.
        var fresh = new TableEntity(pk, AzureKeys.Instance)
        {
            ["Key"] = key,
            ["Name"] = row.Name,
            ["Status"] = (int)WorkflowRuntimeStatus.Pending,
            ["CreatedAt"] = row.CreatedAt.Ticks,
            ["UpdatedAt"] = row.CreatedAt.Ticks,
            ["CompletedAt"] = 0L,
            ["Input"] = input,
            ["Version"] = row.Version,
            ["Parent"] = "",
            ["Revision"] = (found.GetInt64("Revision") ?? 0) + 1,
            ["Owner"] = "",
            ["Held"] = true,
            ["Pending"] = "",
            ["Creator"] = "",
        };
        var message = MessageRow(AzureKeys.Message(id), row.CreatedAt, body, -1, "");
        message.PartitionKey = pk;
        try
        {
            await Instances.SubmitTransactionAsync([new(TableTransactionActionType.UpdateReplace, fresh, found.ETag), new(TableTransactionActionType.UpsertReplace, message)], cancellationToken).ConfigureAwait(false);
        }
        catch (TableTransactionFailedException ex) when (ex.Status is 404 or 412)
        {
            return new SendOutcome(true, status, false); // Restarted or purged by another caller meanwhile.
        }

        _fences.TryRemove(key, out _);
        await StatusLog.AppendAsync([new LoggedStatus(key, row.Name, WorkflowRuntimeStatus.Pending, null, row.CreatedAt, null)]).ConfigureAwait(false);
        return new SendOutcome(true, status, true);
    }

    public async Task<SendOutcome> PurgeAsync(string instanceId, CancellationToken cancellationToken)
    {
        var found = await ReadInstanceEntityAsync(instanceId, cancellationToken).ConfigureAwait(false);
        var status = found is null ? default : (WorkflowRuntimeStatus)found.GetInt32("Status")!.Value;
        if (found is null || !status.IsTerminal())
        {
            return new SendOutcome(found is not null, status, false);
        }

        await DeleteInstanceRowsAsync(instanceId, found, keepStatusRow: false, cancellationToken).ConfigureAwait(false);
        return new SendOutcome(true, status, true);
    }

    public async Task<int> PurgeAsync(PurgeFilter filter, int limit, CancellationToken cancellationToken)
    {
        var query = filter.Query;
        var doomed = new List<TableEntity>();
        await foreach (var row in ScanInstancesAsync(query.Namespace, query.InstanceIdPrefix, query.Name, null, filter.Statuses, query.CreatedFrom, query.CreatedTo, cancellationToken).ConfigureAwait(false))
        {
            if (((WorkflowRuntimeStatus)row.GetInt32("Status")!.Value).IsTerminal())
            {
                doomed.Add(row);
                if (doomed.Count >= limit)
                {
                    break;
                }
            }
        }

        var purged = 0;
        foreach (var row in doomed)
        {
            purged += (await PurgeAsync(row.GetString("Key"), cancellationToken).ConfigureAwait(false)).Sent ? 1 : 0;
        }

        return purged;
    }

    /// <summary>
    /// Deletes what is stored for an instance: its partition's rows (the status row last, unless it is kept for a restart),
    /// its blobs and its listing rows. The status row goes last so that a crash midway leaves a finished instance to purge again.
    /// </summary>
    private async Task DeleteInstanceRowsAsync(string key, TableEntity status, bool keepStatusRow, CancellationToken cancellationToken)
    {
        var pk = AzureKeys.Escape(key);
        var rows = new List<string>();
        await foreach (var row in Instances.QueryAsync<TableEntity>($"PartitionKey eq '{Quote(pk)}'", select: ["RowKey"], cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            if (row.RowKey != AzureKeys.Instance)
            {
                rows.Add(row.RowKey);
            }
        }

        await Task.WhenAll(rows.Chunk(100).Select(chunk => AzureBatch.DeleteAsync(Instances, pk, chunk, cancellationToken))).ConfigureAwait(false);
        await _blobs.DeleteInstanceAsync(key, cancellationToken).ConfigureAwait(false);
        var created = status.GetInt64("CreatedAt") ?? 0;
        await AzureBatch.DeleteAsync(Index, AzureKeys.Listing, [AzureKeys.Ascending(created, key), AzureKeys.Descending(created, key)], cancellationToken).ConfigureAwait(false);
        if (!keepStatusRow)
        {
            try
            {
                await Instances.DeleteEntityAsync(pk, AzureKeys.Instance, status.ETag, cancellationToken).ConfigureAwait(false);
            }
            catch (RequestFailedException ex) when (ex.Status is 404 or 412)
            {
                // Purged or restarted by another caller meanwhile.
            }

            _fences.TryRemove(key, out _);
        }
    }
}
