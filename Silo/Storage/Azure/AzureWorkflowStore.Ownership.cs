using System.Collections.Concurrent;
using Azure;
using Azure.Data.Tables;
using Baton.Grains.Storage;

namespace Baton.Silo.Storage.Azure;

// Which silo holds an instance: claims on activation, release when only reminders carry it, the orphans of dead silos (by
// the owner hints) and the instances with overdue messages (by the due hints).
internal sealed partial class AzureWorkflowStore
{
    private readonly ConcurrentDictionary<string, bool> _registeredOwners = new(StringComparer.Ordinal);

    public async Task<long> ClaimInstanceAsync(string instanceId, long expectedRevision, string owner, CancellationToken cancellationToken)
    {
        // The silo taking over finishes what the last one left pending before it reads the history.
        await FinishPendingAsync(instanceId, rowsOnly: false, cancellationToken).ConfigureAwait(false);
        await WriteHintsAsync(await OwnerHintsAsync(instanceId, owner, cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
        while (true)
        {
            var row = await ReadInstanceEntityAsync(instanceId, cancellationToken).ConfigureAwait(false);
            if (row is null || row.GetInt64("Revision") != expectedRevision || !string.IsNullOrEmpty(row.GetString("Pending")))
            {
                throw new InstanceConflictException(instanceId, expectedRevision);
            }

            try
            {
                var update = new TableEntity(row.PartitionKey, AzureKeys.Instance) { ["Revision"] = expectedRevision + 1, ["Owner"] = owner, ["Held"] = true };
                var response = await Instances.UpdateEntityAsync(update, row.ETag, TableUpdateMode.Merge, cancellationToken).ConfigureAwait(false);
                _fences[instanceId] = new Fence(expectedRevision + 1, response.Headers.ETag ?? default, (WorkflowRuntimeStatus)row.GetInt32("Status")!.Value, row.GetString("Name"), false);
                return expectedRevision + 1;
            }
            catch (RequestFailedException ex) when (ex.Status is 404 or 412)
            {
                // Changed meanwhile: by a commit (the revision check fails next time) or a message's mark (claim again).
            }
        }
    }

    public async Task ReleaseInstanceAsync(string instanceId, long revision, CancellationToken cancellationToken)
    {
        while (true)
        {
            var row = await ReadInstanceEntityAsync(instanceId, cancellationToken).ConfigureAwait(false);
            if (row is null || row.GetInt64("Revision") != revision)
            {
                return;
            }

            try
            {
                var response = await Instances.UpdateEntityAsync(new TableEntity(row.PartitionKey, AzureKeys.Instance) { ["Owner"] = "", ["Held"] = false }, row.ETag, TableUpdateMode.Merge, cancellationToken).ConfigureAwait(false);
                if (_fences.TryGetValue(instanceId, out var fence))
                {
                    _fences[instanceId] = fence with { ETag = response.Headers.ETag ?? default };
                }

                return;
            }
            catch (RequestFailedException ex) when (ex.Status is 404 or 412)
            {
            }
        }
    }

    public async Task<IReadOnlyList<string>> FindOrphanedInstancesAsync(IReadOnlyCollection<string> liveSilos, int limit, CancellationToken cancellationToken)
    {
        var orphans = new List<string>();
        var owners = new List<string>();
        await foreach (var row in Index.QueryAsync<TableEntity>($"PartitionKey eq '{AzureKeys.Owners}'", cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            owners.Add(row.GetString("Owner"));
        }

        foreach (var owner in owners.Where(o => !liveSilos.Contains(o)))
        {
            var partition = AzureKeys.Owner(owner);
            var any = false;
            await foreach (var hint in Index.QueryAsync<TableEntity>($"PartitionKey eq '{Quote(partition)}'", cancellationToken: cancellationToken).ConfigureAwait(false))
            {
                any = true;
                var key = hint.GetString("Key");
                var status = await ReadInstanceEntityAsync(key, cancellationToken).ConfigureAwait(false);
                if (status is null || status.GetBoolean("Held") != true || status.GetString("Owner") != owner
                    || (((WorkflowRuntimeStatus)status.GetInt32("Status")!.Value).IsTerminal() && string.IsNullOrEmpty(status.GetString("Pending"))))
                {
                    await AzureBatch.DeleteOneAsync(Index, partition, hint.RowKey, cancellationToken).ConfigureAwait(false);
                    continue;
                }

                if (((WorkflowRuntimeStatus)status.GetInt32("Status")!.Value).IsTerminal())
                {
                    // A finished instance whose silo died before it finished its last turn: no grain has anything left to
                    // do, so the turn is finished here.
                    await FinishPendingAsync(key, rowsOnly: false, cancellationToken).ConfigureAwait(false);
                    await AzureBatch.DeleteOneAsync(Index, partition, hint.RowKey, cancellationToken).ConfigureAwait(false);
                    continue;
                }

                if (await HasPendingWorkAsync(key, status, cancellationToken).ConfigureAwait(false))
                {
                    orphans.Add(key);
                    if (orphans.Count >= limit)
                    {
                        return orphans;
                    }
                }
                else
                {
                    // Nothing to do: let go of it, as a silo lets go of an instance whose waits reminders carry, so that it is not
                    // checked again at every scan. A message that arrives later marks it again (the empty owner).
                    await ReleaseIdleAsync(key, status, partition, hint.RowKey, cancellationToken).ConfigureAwait(false);
                }
            }

            if (!any && owner.Length > 0)
            {
                // A dead silo that holds nothing: stop looking at it (a name is never reused by a later silo).
                await AzureBatch.DeleteOneAsync(Index, AzureKeys.Owners, AzureKeys.Escape(owner), cancellationToken).ConfigureAwait(false);
                _registeredOwners.TryRemove(owner, out _);
            }
        }

        return orphans;
    }

    public async Task<IReadOnlyList<string>> FindOverdueInstancesAsync(DateTime dueBefore, int limit, CancellationToken cancellationToken, DateTime? dueFrom = null)
    {
        var from = AzureKeys.DueBound(dueFrom ?? DateTime.MinValue);
        var to = AzureKeys.DueBound(dueBefore.AddMilliseconds(1));
        var overdue = new HashSet<string>(StringComparer.Ordinal);
        foreach (var shard in AzureKeys.DueShardKeys())
        {
            await foreach (var hint in Index.QueryAsync<TableEntity>($"PartitionKey eq '{shard}' and RowKey ge '{from}' and RowKey lt '{to}'", maxPerPage: 1000, cancellationToken: cancellationToken).ConfigureAwait(false))
            {
                var (key, id) = AzureKeys.ParseDueRow(hint.RowKey);
                if (overdue.Contains(key))
                {
                    continue;
                }

                var message = await Instances.GetEntityIfExistsAsync<TableEntity>(AzureKeys.Escape(key), AzureKeys.Message(id), ["VisibleAt", "Gone"], cancellationToken).ConfigureAwait(false);
                var status = message.HasValue && message.Value!.GetBoolean("Gone") != true
                    ? await Instances.GetEntityIfExistsAsync<TableEntity>(AzureKeys.Escape(key), AzureKeys.Instance, ["Status"], cancellationToken).ConfigureAwait(false)
                    : null;
                if (status is null || !status.HasValue || ((WorkflowRuntimeStatus)status.Value!.GetInt32("Status")!.Value).IsTerminal())
                {
                    // Consumed (the commit's clean-up was lost), or its instance finished: nothing to wake.
                    await AzureBatch.DeleteOneAsync(Index, shard, hint.RowKey, cancellationToken).ConfigureAwait(false);
                    continue;
                }

                var visibleAt = message.Value!.GetInt64("VisibleAt")!.Value;
                if (visibleAt < dueBefore.Ticks && (dueFrom is null || visibleAt >= dueFrom.Value.Ticks))
                {
                    overdue.Add(key);
                    if (overdue.Count >= limit)
                    {
                        return overdue.ToList();
                    }
                }
            }
        }

        return overdue.ToList();
    }

    /// <summary>The hints that name <paramref name="owner"/> as the holder of an instance, with the owner's registration the first time.</summary>
    private async Task<List<TableEntity>> OwnerHintsAsync(string key, string owner, CancellationToken cancellationToken)
    {
        if (_registeredOwners.TryAdd(owner, true))
        {
            // Registered before any hint names it, so that the orphan scan finds every owner partition.
            await Index.UpsertEntityAsync(new TableEntity(AzureKeys.Owners, AzureKeys.Escape(owner)) { ["Owner"] = owner }, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
        }

        return [new TableEntity(AzureKeys.Owner(owner), AzureKeys.Escape(key)) { ["Key"] = key }];
    }

    private async Task ReleaseIdleAsync(string key, TableEntity status, string partition, string hintRow, CancellationToken cancellationToken)
    {
        try
        {
            await Instances.UpdateEntityAsync(new TableEntity(status.PartitionKey, AzureKeys.Instance) { ["Owner"] = "", ["Held"] = false }, status.ETag, TableUpdateMode.Merge, cancellationToken).ConfigureAwait(false);
            _fences.TryRemove(key, out _);
            await AzureBatch.DeleteOneAsync(Index, partition, hintRow, cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException ex) when (ex.Status is 404 or 412)
        {
            // Changed meanwhile (a message, a claim): the next scan looks again.
        }
    }

    /// <summary>Whether an instance has anything to do: a pending turn, a message or a work item.</summary>
    private async Task<bool> HasPendingWorkAsync(string key, TableEntity status, CancellationToken cancellationToken)
    {
        if (!string.IsNullOrEmpty(status.GetString("Pending")))
        {
            return true;
        }

        foreach (var prefix in new[] { AzureKeys.MessagePrefix, AzureKeys.WorkPrefix })
        {
            await foreach (var _ in QueryRangeAsync(key, prefix, "Gone ne true", cancellationToken, ["RowKey"]).ConfigureAwait(false))
            {
                return true;
            }
        }

        return false;
    }
}
