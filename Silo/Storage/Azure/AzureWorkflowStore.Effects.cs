using System.Globalization;
using Azure;
using Azure.Data.Tables;
using Baton.Grains.Storage;

namespace Baton.Silo.Storage.Azure;

// A turn's pending work: the rows that did not fit in its transaction, its children, messages and status events. Done by
// the committing silo right after the commit, or by whoever reads the instance next when that silo died first.
internal sealed partial class AzureWorkflowStore
{
    /// <summary>
    /// Finishes the turn an instance's status row names as pending, if any. A reader of the instance's own rows
    /// (<paramref name="rowsOnly"/>) writes only the rows a turn record holds, so that it reads the whole turn; the effects
    /// are left to the silo holding the instance, or to the one that takes it over, so that they are made once.
    /// </summary>
    private async Task FinishPendingAsync(string key, bool rowsOnly, CancellationToken cancellationToken)
    {
        var row = await ReadInstanceEntityAsync(key, cancellationToken).ConfigureAwait(false);
        if (row?.GetString("Pending") is { Length: > 0 } pending && !(rowsOnly && pending == AzureKeys.Pending))
        {
            await FinishTurnAsync(key, pending, null, cancellationToken, rowsOnly).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Writes a pending turn's remaining rows (each transaction fenced by the status row, so that a silo declared dead
    /// cannot write over a later turn), makes its effects, and clears the mark. Every step is safe to repeat.
    /// </summary>
    /// <param name="key">The instance.</param>
    /// <param name="pending">The mark the status row holds: the pending row, or the turn record's name.</param>
    /// <param name="turn">The turn, when the caller has it; else it is read.</param>
    /// <param name="cancellationToken">Cancels the work (it is finished later by another reader).</param>
    /// <returns>The instances whose inboxes it wrote to.</returns>
    /// <param name="rowsOnly">Writes the rows only: no effects, and the mark stays.</param>
    private async Task<IReadOnlyList<string>> FinishTurnAsync(string key, string pending, AzureTurn? turn, CancellationToken cancellationToken, bool rowsOnly = false)
    {
        var pk = AzureKeys.Escape(key);
        var recordRevision = pending == AzureKeys.Pending ? 0 : long.Parse(pending.AsSpan("turn:".Length), CultureInfo.InvariantCulture);
        if (turn is null)
        {
            if (pending == AzureKeys.Pending)
            {
                var row = await Instances.GetEntityIfExistsAsync<TableEntity>(pk, AzureKeys.Pending, cancellationToken: cancellationToken).ConfigureAwait(false);
                if (!row.HasValue)
                {
                    return []; // Finished meanwhile by another reader.
                }

                turn = AzureTurn.FromJson(row.Value!.GetString("Turn"));
            }
            else
            {
                turn = AzureTurn.FromJson(await _blobs.ReadAsync(AzureBlobs.Turn(key, recordRevision), cancellationToken).ConfigureAwait(false));
            }
        }

        var etag = await PendingETagAsync(key, pending, null, cancellationToken).ConfigureAwait(false);
        foreach (var chunk in turn.Rows.Chunk(MaxOperationsPerTransaction - 1))
        {
            var writes = chunk.ToList();
            while (etag is { } fence)
            {
                var actions = new List<TableTransactionAction>
                {
                    new(TableTransactionActionType.UpdateMerge, new TableEntity(pk, AzureKeys.Instance) { ["Pending"] = pending }, fence),
                };
                actions.AddRange(writes.Select(w => w.ToAction(pk)));
                try
                {
                    var responses = await Instances.SubmitTransactionAsync(actions, cancellationToken).ConfigureAwait(false);
                    etag = responses.Value[0].Headers.ETag;
                    break;
                }
                catch (TableTransactionFailedException ex) when (ex.Status == 404 && ex.FailedTransactionActionIndex > 0 && writes[ex.FailedTransactionActionIndex.Value - 1].Kind == RowWrite.Delete)
                {
                    writes.RemoveAt(ex.FailedTransactionActionIndex.Value - 1); // Deleted by an earlier try.
                }
                catch (TableTransactionFailedException ex) when (ex.Status is 404 or 412 && ex.FailedTransactionActionIndex is null or 0)
                {
                    etag = await PendingETagAsync(key, pending, fence, cancellationToken).ConfigureAwait(false);
                }
            }

            if (etag is null)
            {
                return []; // Another reader finished the turn.
            }
        }

        if (rowsOnly)
        {
            return [];
        }

        var messaged = await MakeEffectsAsync(key, turn, cancellationToken).ConfigureAwait(false);
        while (etag is { } fence)
        {
            var clear = new TableEntity(pk, AzureKeys.Instance) { ["Pending"] = "" };
            if (turn.Finished)
            {
                (clear["Owner"], clear["Held"]) = ("", false);
            }

            var actions = new List<TableTransactionAction> { new(TableTransactionActionType.UpdateMerge, clear, fence) };
            if (pending == AzureKeys.Pending)
            {
                actions.Add(new(TableTransactionActionType.Delete, new TableEntity(pk, AzureKeys.Pending), ETag.All));
            }

            try
            {
                var responses = await Instances.SubmitTransactionAsync(actions, cancellationToken).ConfigureAwait(false);
                if (_fences.TryGetValue(key, out var known))
                {
                    _fences[key] = known with { ETag = responses.Value[0].Headers.ETag ?? default, Pending = false };
                }

                break;
            }
            catch (TableTransactionFailedException ex) when (ex.Status is 404 or 412)
            {
                etag = await PendingETagAsync(key, pending, fence, cancellationToken).ConfigureAwait(false);
            }
        }

        if (recordRevision > 0)
        {
            await _blobs.DeleteAsync(AzureBlobs.Turn(key, recordRevision), cancellationToken).ConfigureAwait(false);
        }

        return messaged;
    }

    /// <summary>The status row's ETag while it still names <paramref name="pending"/>; null once the turn is finished.</summary>
    private async Task<ETag?> PendingETagAsync(string key, string pending, ETag? known, CancellationToken cancellationToken)
    {
        if (known is null && _fences.TryGetValue(key, out var fence) && fence.Pending)
        {
            return fence.ETag;
        }

        var row = await ReadInstanceEntityAsync(key, cancellationToken).ConfigureAwait(false);
        return row is not null && row.GetString("Pending") == pending ? row.ETag : null;
    }

    /// <summary>Creates the turn's children, delivers its messages and logs its status changes.</summary>
    private async Task<IReadOnlyList<string>> MakeEffectsAsync(string key, AzureTurn turn, CancellationToken cancellationToken)
    {
        var statuses = new List<LoggedStatus>(turn.Statuses);
        var created = await Task.WhenAll(turn.Children.Select((child, i) => CreateChildAsync(key, turn, child, i, cancellationToken))).ConfigureAwait(false);
        await Task.WhenAll(turn.Messages.Select(m => DeliverAsync(m, cancellationToken))).ConfigureAwait(false);
        statuses.AddRange(created.Where(c => c.Logged is not null).Select(c => c.Logged!));
        await StatusLog.AppendAsync(statuses).ConfigureAwait(false);
        return created.Select(c => c.Messaged).OfType<string>().Concat(turn.Messages.Select(m => m.Target)).ToList();
    }

    /// <summary>
    /// Creates a child with its start message in one transaction on its partition; when its id is taken by another instance,
    /// the parent gets the failure instead (an entity's taken id is simply the entity).
    /// </summary>
    private async Task<(string? Messaged, LoggedStatus? Logged)> CreateChildAsync(string key, AzureTurn turn, ChildCreation child, int index, CancellationToken cancellationToken)
    {
        var source = $"{key}@{turn.Revision}#c{index}";
        var pk = AzureKeys.Escape(child.Key);
        for (var probe = 0; ; probe++)
        {
            var id = AzureKeys.MessageId(turn.Now, source, probe);
            var hints = ListingHints(child.Key, child.Name, child.Version, turn.Now).Append(DueHint(child.Key, id)).ToList();
            hints.AddRange(await OwnerHintsAsync(child.Key, turn.Owner, cancellationToken).ConfigureAwait(false));
            await WriteHintsAsync(hints, cancellationToken).ConfigureAwait(false);
            var row = new TableEntity(pk, AzureKeys.Instance)
            {
                ["Key"] = child.Key,
                ["Name"] = child.Name,
                ["Status"] = (int)WorkflowRuntimeStatus.Pending,
                ["CreatedAt"] = turn.Now.Ticks,
                ["UpdatedAt"] = turn.Now.Ticks,
                ["CompletedAt"] = 0L,
                ["Input"] = child.Input,
                ["Version"] = child.Version,
                ["Parent"] = child.Parent ?? "",
                ["Revision"] = 0L,
                ["Owner"] = turn.Owner,
                ["Held"] = true,
                ["Pending"] = "",
                ["Creator"] = source,
            };
            var start = MessageRow(AzureKeys.Message(id), turn.Now, child.Start, -1, source);
            start.PartitionKey = pk;
            try
            {
                await Instances.SubmitTransactionAsync([new(TableTransactionActionType.Add, row), new(TableTransactionActionType.Add, start)], cancellationToken).ConfigureAwait(false);
                return (child.Key, new LoggedStatus(child.Key, child.Name, WorkflowRuntimeStatus.Pending, null, turn.Now, null));
            }
            catch (TableTransactionFailedException ex) when (ex.Status == 409 && ex.FailedTransactionActionIndex == 1)
            {
                // The message id is taken in that inbox (by a stray message): the next probe.
            }
            catch (TableTransactionFailedException ex) when (ex.Status == 409)
            {
                var existing = await Instances.GetEntityIfExistsAsync<TableEntity>(pk, AzureKeys.Instance, ["Creator"], cancellationToken).ConfigureAwait(false);
                if (existing.HasValue && existing.Value!.GetString("Creator") == source)
                {
                    return (child.Key, null); // Created by an earlier try of this turn.
                }

                if (child.Conflict is null)
                {
                    return (null, null);
                }

                await DeliverAsync(new MessageDelivery(key, child.Conflict, turn.Now, source + "!"), cancellationToken).ConfigureAwait(false);
                return (key, null);
            }
        }
    }

    /// <summary>Writes a message known by its source to its inbox, unless an earlier delivery of it is there (or was consumed).</summary>
    private async Task DeliverAsync(MessageDelivery message, CancellationToken cancellationToken)
    {
        var pk = AzureKeys.Escape(message.Target);
        for (var probe = 0; ; probe++)
        {
            var id = AzureKeys.MessageId(message.VisibleAt, message.Source, probe);
            await WriteHintsAsync([DueHint(message.Target, id)], cancellationToken).ConfigureAwait(false);
            var row = MessageRow(AzureKeys.Message(id), message.VisibleAt, message.Body, -1, message.Source);
            row.PartitionKey = pk;
            try
            {
                await Instances.AddEntityAsync(row, cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (RequestFailedException ex) when (ex.Status == 409)
            {
                var existing = await Instances.GetEntityIfExistsAsync<TableEntity>(pk, row.RowKey, ["Src"], cancellationToken).ConfigureAwait(false);
                if (existing.HasValue && existing.Value!.GetString("Src") == message.Source)
                {
                    return;
                }
            }
        }
    }
}
