using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Azure.Data.Tables;
using Baton.Grains.Storage;
using Baton.Serialization;

namespace Baton.Silo.Storage.Azure;

// Listing (through the listing rows, in creation order), counting and scanning (through the status rows).
internal sealed partial class AzureWorkflowStore
{
    private const int ListReadAhead = 50;

    public async Task<WorkflowPage> ListAsync(WorkflowQuery query, CancellationToken cancellationToken)
    {
        var (low, high) = CreatedRange(query.OldestFirst, query.CreatedFrom, query.CreatedTo);
        if (query.ContinuationToken is not null)
        {
            var (ticks, afterKey) = ListContinuation.Parse(query.ContinuationToken);
            var after = query.OldestFirst ? AzureKeys.Ascending(ticks, afterKey) : AzureKeys.Descending(ticks, afterKey);
            low = string.CompareOrdinal(after + "\0", low) > 0 ? after + "\0" : low;
        }

        var filter = $"PartitionKey eq '{AzureKeys.Listing}' and RowKey ge '{Quote(low)}' and RowKey lt '{Quote(high)}'";
        if (query.Name is not null)
        {
            filter += $" and Name eq '{Quote(query.Name)}'";
        }

        if (query.Version is { } version)
        {
            filter += $" and Version eq {version.ToString(CultureInfo.InvariantCulture)}";
        }

        var items = new List<(TableEntity Hint, InstanceRow Row)>();
        var candidates = new List<TableEntity>();
        await foreach (var hint in Index.QueryAsync<TableEntity>(filter, maxPerPage: 1000, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            if (!KeyMatches(hint.GetString("Key"), query.Namespace, query.InstanceIdPrefix))
            {
                continue;
            }

            candidates.Add(hint);
            if (candidates.Count >= ListReadAhead)
            {
                await MatchAsync(candidates, query, items, cancellationToken).ConfigureAwait(false);
                candidates.Clear();
                if (items.Count > query.PageSize)
                {
                    break;
                }
            }
        }

        await MatchAsync(candidates, query, items, cancellationToken).ConfigureAwait(false);
        string? next = null;
        if (items.Count > query.PageSize)
        {
            items.RemoveRange(query.PageSize, items.Count - query.PageSize);
            var last = items[^1].Hint;
            next = ListContinuation.Create(last.GetInt64("CreatedAt")!.Value, last.GetString("Key"));
        }

        return new WorkflowPage(items.Select(i => i.Row.ToStatus(null)).ToList(), next);
    }

    public async Task<IReadOnlyDictionary<WorkflowRuntimeStatus, long>> CountByStatusAsync(WorkflowQuery query, CancellationToken cancellationToken)
    {
        var counts = new Dictionary<WorkflowRuntimeStatus, long>();
        await foreach (var row in ScanInstancesAsync(query.Namespace, query.InstanceIdPrefix, query.Name, query.Version, query.Statuses, query.CreatedFrom, query.CreatedTo, cancellationToken).ConfigureAwait(false))
        {
            if (query.CustomStatus is null || CustomStatusMatches(row.GetString("CustomStatus"), query.CustomStatus))
            {
                var status = (WorkflowRuntimeStatus)row.GetInt32("Status")!.Value;
                counts[status] = counts.GetValueOrDefault(status) + 1;
            }
        }

        return counts;
    }

    /// <summary>The status rows matching the filters, in key order: a scan of the instances table, filtered by the service.</summary>
    private async IAsyncEnumerable<TableEntity> ScanInstancesAsync(
        string? namespaceName, string? idPrefix, string? name, int? version, IReadOnlyCollection<WorkflowRuntimeStatus>? statuses, DateTime? createdFrom, DateTime? createdTo,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var filter = $"RowKey eq '{AzureKeys.Instance}'";
        if (namespaceName is not null && !WorkflowNamespaces.IsDefault(namespaceName))
        {
            idPrefix = WorkflowNamespaces.KeyPrefix(namespaceName) + idPrefix;
        }

        if (!string.IsNullOrEmpty(idPrefix))
        {
            var low = AzureKeys.Escape(idPrefix);
            filter += $" and PartitionKey ge '{Quote(low)}' and PartitionKey lt '{Quote(AzureKeys.After(low))}'";
        }

        if (name is not null)
        {
            filter += $" and Name eq '{Quote(name)}'";
        }

        if (version is { } v)
        {
            filter += $" and Version eq {v.ToString(CultureInfo.InvariantCulture)}";
        }

        if (statuses is { Count: > 0 })
        {
            filter += " and (" + string.Join(" or ", statuses.Select(s => $"Status eq {((int)s).ToString(CultureInfo.InvariantCulture)}")) + ")";
        }

        if (createdFrom is { } from)
        {
            filter += $" and CreatedAt ge {from.ToUniversalTime().Ticks.ToString(CultureInfo.InvariantCulture)}L";
        }

        if (createdTo is { } to)
        {
            filter += $" and CreatedAt lt {to.ToUniversalTime().Ticks.ToString(CultureInfo.InvariantCulture)}L";
        }

        await foreach (var row in Instances.QueryAsync<TableEntity>(filter, maxPerPage: 1000, select: ["Key", "Status", "CustomStatus"], cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            if (KeyMatches(row.GetString("Key"), namespaceName, null))
            {
                yield return row;
            }
        }
    }

    /// <summary>Reads the candidates' status rows (at once), keeps those the query's status filters match, and drops stale listing rows.</summary>
    private async Task MatchAsync(List<TableEntity> candidates, WorkflowQuery query, List<(TableEntity, InstanceRow)> items, CancellationToken cancellationToken)
    {
        var rows = await Task.WhenAll(candidates.Select(async hint =>
        {
            var entity = await Instances.GetEntityIfExistsAsync<TableEntity>(AzureKeys.Escape(hint.GetString("Key")), AzureKeys.Instance, cancellationToken: cancellationToken).ConfigureAwait(false);
            return entity.HasValue && entity.Value!.GetInt64("CreatedAt") == hint.GetInt64("CreatedAt") ? entity.Value : null;
        })).ConfigureAwait(false);
        for (var i = 0; i < candidates.Count; i++)
        {
            if (rows[i] is not { } row)
            {
                // Created by a start that failed, or purged: the listing row outlived its instance.
                await AzureBatch.DeleteOneAsync(Index, AzureKeys.Listing, candidates[i].RowKey, cancellationToken).ConfigureAwait(false);
                continue;
            }

            var status = (WorkflowRuntimeStatus)row.GetInt32("Status")!.Value;
            if ((query.Statuses is { Count: > 0 } statuses && !statuses.Contains(status))
                || (query.CustomStatus is not null && !CustomStatusMatches(row.GetString("CustomStatus"), query.CustomStatus)))
            {
                continue;
            }

            items.Add((candidates[i], await ToRowAsync(row, cancellationToken).ConfigureAwait(false)));
        }
    }

    /// <summary>The listing rows' key range: ascending by creation, or descending (the inverted times).</summary>
    private static (string Low, string High) CreatedRange(bool oldestFirst, DateTime? from, DateTime? to)
    {
        var fromTicks = from?.ToUniversalTime().Ticks ?? 0;
        var toTicks = to?.ToUniversalTime().Ticks ?? DateTime.MaxValue.Ticks;
        return oldestFirst
            ? ("a" + fromTicks.ToString("D19", CultureInfo.InvariantCulture), "a" + toTicks.ToString("D19", CultureInfo.InvariantCulture))
            : ("z" + (DateTime.MaxValue.Ticks - toTicks + 1).ToString("D19", CultureInfo.InvariantCulture), "z" + (DateTime.MaxValue.Ticks - fromTicks + 1).ToString("D19", CultureInfo.InvariantCulture));
    }

    private static bool KeyMatches(string key, string? namespaceName, string? idPrefix)
    {
        if (namespaceName is not null && WorkflowNamespaces.IsDefault(namespaceName))
        {
            if (key.Contains('/', StringComparison.Ordinal))
            {
                return false;
            }
        }
        else if (namespaceName is not null)
        {
            idPrefix = WorkflowNamespaces.KeyPrefix(namespaceName) + idPrefix;
        }

        return string.IsNullOrEmpty(idPrefix) || key.StartsWith(idPrefix, StringComparison.Ordinal);
    }

    /// <summary>A plain string matches a string status as well as raw JSON.</summary>
    private static bool CustomStatusMatches(string? stored, string wanted) =>
        stored == wanted || stored == JsonSerializer.Serialize(wanted, BatonJson.Options);
}
