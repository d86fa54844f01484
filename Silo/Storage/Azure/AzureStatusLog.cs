using System.Globalization;
using System.Threading.Channels;
using Azure;
using Azure.Data.Tables;

namespace Baton.Silo.Storage.Azure;

/// <summary>
/// The status event log on Azure Tables: one partition holding a head row (the last sequence number) and the events. An
/// append writes the head (fenced by its ETag) and its events in one transaction, so that an event is visible only with
/// every number before it: a reader following the log by number never skips one. A silo's appends share transactions.
/// </summary>
internal sealed class AzureStatusLog : IAsyncDisposable
{
    private const string Partition = "log";
    private const string Head = "head";
    private const string Cursors = "cursor";
    private const int MaxEventsPerAppend = 99;

    private readonly TableClient _table;
    private readonly Channel<(LoggedStatus Event, TaskCompletionSource Done)> _pending = Channel.CreateUnbounded<(LoggedStatus, TaskCompletionSource)>(new() { SingleReader = true });
    private readonly Task _loop;

    public AzureStatusLog(TableClient table)
    {
        _table = table;
        _loop = Task.Run(AppendLoopAsync);
    }

    /// <summary>Appends the events (in this order) and returns once they are durable.</summary>
    public Task AppendAsync(IReadOnlyList<LoggedStatus> events)
    {
        if (events.Count == 0)
        {
            return Task.CompletedTask;
        }

        var done = events.Select(e =>
        {
            var completion = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _pending.Writer.TryWrite((e, completion));
            return completion.Task;
        }).ToArray();
        return Task.WhenAll(done);
    }

    public async Task<IReadOnlyList<WorkflowStatusEvent>> ReadAsync(long afterSequence, int limit, CancellationToken cancellationToken)
    {
        var events = new List<WorkflowStatusEvent>();
        await foreach (var row in _table.QueryAsync<TableEntity>(
            $"PartitionKey eq '{Partition}' and RowKey gt '{Number(afterSequence)}' and RowKey lt '{Head}'", maxPerPage: Math.Min(limit, 1000), cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            var key = row.GetString("Key");
            var previous = row.GetInt32("Previous") ?? -1;
            events.Add(new WorkflowStatusEvent(
                long.Parse(row.RowKey, CultureInfo.InvariantCulture),
                WorkflowNamespaces.LocalId(key),
                row.GetString("Name"),
                (WorkflowRuntimeStatus)row.GetInt32("Status")!.Value,
                previous < 0 ? null : (WorkflowRuntimeStatus)previous,
                new DateTime(row.GetInt64("At")!.Value, DateTimeKind.Utc),
                string.IsNullOrEmpty(row.GetString("Reason")) ? null : row.GetString("Reason"))
            {
                Namespace = WorkflowNamespaces.NamespaceOf(key),
            });
            if (events.Count >= limit)
            {
                break;
            }
        }

        return events;
    }

    public async Task<long> LastAsync(CancellationToken cancellationToken)
    {
        var head = await _table.GetEntityIfExistsAsync<TableEntity>(Partition, Head, cancellationToken: cancellationToken).ConfigureAwait(false);
        return head.HasValue ? head.Value!.GetInt64("Seq") ?? 0 : 0;
    }

    public async Task<long?> GetCursorAsync(string subscriber, CancellationToken cancellationToken)
    {
        var row = await _table.GetEntityIfExistsAsync<TableEntity>(Cursors, AzureKeys.Escape(subscriber), cancellationToken: cancellationToken).ConfigureAwait(false);
        return row.HasValue ? row.Value!.GetInt64("Seq") : null;
    }

    /// <summary>Moves a cursor forward (never back), retrying when another writer moved it meanwhile.</summary>
    public async Task SetCursorAsync(string subscriber, long sequence, CancellationToken cancellationToken)
    {
        var rowKey = AzureKeys.Escape(subscriber);
        while (true)
        {
            var row = await _table.GetEntityIfExistsAsync<TableEntity>(Cursors, rowKey, cancellationToken: cancellationToken).ConfigureAwait(false);
            try
            {
                if (!row.HasValue)
                {
                    await _table.AddEntityAsync(new TableEntity(Cursors, rowKey) { ["Seq"] = sequence }, cancellationToken).ConfigureAwait(false);
                }
                else if (row.Value!.GetInt64("Seq") < sequence)
                {
                    await _table.UpdateEntityAsync(new TableEntity(Cursors, rowKey) { ["Seq"] = sequence }, row.Value.ETag, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
                }

                return;
            }
            catch (RequestFailedException ex) when (ex.Status is 409 or 412)
            {
                // Another writer moved it between the read and the write: read again.
            }
        }
    }

    /// <summary>Deletes events older than <paramref name="olderThan"/> that every subscriber has read, keeping the newest.</summary>
    public async Task<int> PruneAsync(DateTime olderThan, CancellationToken cancellationToken)
    {
        long? slowest = null;
        await foreach (var cursor in _table.QueryAsync<TableEntity>($"PartitionKey eq '{Cursors}'", cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            var seq = cursor.GetInt64("Seq") ?? 0;
            slowest = slowest is null ? seq : Math.Min(slowest.Value, seq);
        }

        var last = await LastAsync(cancellationToken).ConfigureAwait(false);
        var bound = Math.Min(last - 1, slowest ?? long.MaxValue);
        var doomed = new List<string>();
        await foreach (var row in _table.QueryAsync<TableEntity>(
            $"PartitionKey eq '{Partition}' and RowKey le '{Number(Math.Max(bound, 0))}' and At lt {olderThan.Ticks}L", select: ["RowKey"], cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            doomed.Add(row.RowKey);
        }

        foreach (var chunk in doomed.Chunk(100))
        {
            await AzureBatch.DeleteAsync(_table, Partition, chunk, cancellationToken).ConfigureAwait(false);
        }

        return doomed.Count;
    }

    public async ValueTask DisposeAsync()
    {
        _pending.Writer.TryComplete();
        await _loop.ConfigureAwait(false);
    }

    private static string Number(long sequence) => sequence.ToString("D19", CultureInfo.InvariantCulture);

    private async Task AppendLoopAsync()
    {
        var batch = new List<(LoggedStatus Event, TaskCompletionSource Done)>();
        (long Seq, ETag ETag)? head = null;
        while (await _pending.Reader.WaitToReadAsync().ConfigureAwait(false))
        {
            while (batch.Count < MaxEventsPerAppend && _pending.Reader.TryRead(out var item))
            {
                batch.Add(item);
            }

            try
            {
                head = await AppendBatchAsync(batch, head).ConfigureAwait(false);
                batch.ForEach(b => b.Done.TrySetResult());
            }
            catch (Exception ex)
            {
                head = null;
                batch.ForEach(b => b.Done.TrySetException(ex));
            }

            batch.Clear();
        }
    }

    private async Task<(long, ETag)> AppendBatchAsync(List<(LoggedStatus Event, TaskCompletionSource Done)> batch, (long Seq, ETag ETag)? head)
    {
        while (true)
        {
            if (head is null)
            {
                var row = await _table.GetEntityIfExistsAsync<TableEntity>(Partition, Head).ConfigureAwait(false);
                head = row.HasValue ? (row.Value!.GetInt64("Seq") ?? 0, row.Value.ETag) : (0, default);
            }

            var (seq, etag) = head.Value;
            var next = seq + batch.Count;
            var headRow = new TableEntity(Partition, Head) { ["Seq"] = next };
            var actions = new List<TableTransactionAction>
            {
                etag == default ? new(TableTransactionActionType.Add, headRow) : new(TableTransactionActionType.UpdateReplace, headRow, etag),
            };
            for (var i = 0; i < batch.Count; i++)
            {
                var e = batch[i].Event;
                actions.Add(new(TableTransactionActionType.Add, new TableEntity(Partition, Number(seq + 1 + i))
                {
                    ["Key"] = e.Key,
                    ["Name"] = e.Name,
                    ["Status"] = (int)e.Status,
                    ["Previous"] = e.Previous is { } previous ? (int)previous : -1,
                    ["At"] = e.At.Ticks,
                    ["Reason"] = e.Reason ?? "",
                }));
            }

            try
            {
                var responses = await _table.SubmitTransactionAsync(actions).ConfigureAwait(false);
                return (next, responses.Value[0].Headers.ETag ?? default);
            }
            catch (TableTransactionFailedException ex) when (ex.Status is 409 or 412)
            {
                head = null; // Another silo appended first: read the head again.
            }
        }
    }
}

/// <summary>A status change to log: the instance (by key), its workflow, the new and previous status, when and why.</summary>
internal sealed record LoggedStatus(string Key, string Name, WorkflowRuntimeStatus Status, WorkflowRuntimeStatus? Previous, DateTime At, string? Reason);
