using Azure;
using Azure.Data.Tables;

namespace Baton.Silo.Storage.Azure;

/// <summary>Table writes that tolerate rows already gone.</summary>
internal static class AzureBatch
{
    /// <summary>Deletes rows of one partition (at most 100), in one transaction when all exist, else one by one.</summary>
    public static async Task DeleteAsync(TableClient table, string partition, IReadOnlyCollection<string> rowKeys, CancellationToken cancellationToken)
    {
        if (rowKeys.Count == 0)
        {
            return;
        }

        try
        {
            await table.SubmitTransactionAsync(rowKeys.Select(rk => new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity(partition, rk), ETag.All)), cancellationToken).ConfigureAwait(false);
        }
        catch (TableTransactionFailedException ex) when (ex.Status == 404)
        {
            await Task.WhenAll(rowKeys.Select(rk => DeleteOneAsync(table, partition, rk, cancellationToken))).ConfigureAwait(false);
        }
    }

    /// <summary>Deletes one row unless it is gone already.</summary>
    public static async Task DeleteOneAsync(TableClient table, string partition, string rowKey, CancellationToken cancellationToken)
    {
        try
        {
            await table.DeleteEntityAsync(partition, rowKey, ETag.All, cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
        }
    }

    /// <summary>Upserts rows (any partitions), one transaction per partition and 100 rows.</summary>
    public static Task UpsertAsync(TableClient table, IEnumerable<TableEntity> rows, CancellationToken cancellationToken) =>
        Task.WhenAll(rows.GroupBy(r => r.PartitionKey, StringComparer.Ordinal).SelectMany(g => g.Chunk(100)).Select(chunk =>
            table.SubmitTransactionAsync(chunk.Select(r => new TableTransactionAction(TableTransactionActionType.UpsertReplace, r)), cancellationToken)));
}
