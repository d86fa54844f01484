using Azure;
using Azure.Data.Tables;
using Baton.Grains.Storage;

namespace Baton.Silo.Storage.Azure;

// The turn commit: one transaction on the instance's partition, fenced by the status row's ETag; what does not fit and
// what reaches other partitions is left in a pending record and done right after.
internal sealed partial class AzureWorkflowStore
{
    public async Task<CommitOutcome> CommitAsync(InstanceCommit commit, CancellationToken cancellationToken)
    {
        var key = commit.InstanceId;
        var prepared = PreparedCommit.From(commit, _payloads);
        var spilled = new List<(string Path, string Text)>();
        var fence = commit.NewInstance is null ? await FenceAsync(key, commit.ExpectedRevision, cancellationToken).ConfigureAwait(false) : null;
        var revision = commit.ExpectedRevision + 1;
        var turn = new AzureTurn { Revision = revision, Owner = commit.Owner, Now = commit.Now, Finished = commit.Status.IsTerminal() };
        var hints = new List<TableEntity>();
        var cleanup = new List<(string Partition, string Row)>();
        var rows = await OwnRowsAsync(prepared, spilled, hints, cleanup, cancellationToken).ConfigureAwait(false);
        var timers = commit.NewTimers.Select((t, i) => new CommittedTimer(long.Parse(rows.Timers[i].AsSpan(1), System.Globalization.CultureInfo.InvariantCulture), key, t.StepId, t.FireAt)).ToArray();
        AddEffects(prepared, fence, turn, spilled);
        var statusRow = StatusRow(prepared, revision, spilled);

        // Hints and blobs go first: a hint without its fact is dropped when read, a fact without its hint could be missed.
        await Task.WhenAll(WriteBlobsAsync(prepared.Payloads, spilled, cancellationToken), WriteHintsAsync(hints, cancellationToken)).ConfigureAwait(false);

        var fits = rows.Writes.Count + 2 <= MaxOperationsPerTransaction && rows.Writes.Sum(w => w.Size) <= MaxTransactionChars;
        if (fits)
        {
            // In the transaction, a timer row is an insert: another message of the instance with the same id (due in the same
            // millisecond, with the same random bits) fails it, and the timer draws another id, rather than replace that message.
            for (var i = 0; i < rows.Writes.Count; i++)
            {
                if (rows.Timers.Contains(rows.Writes[i].RowKey))
                {
                    rows.Writes[i] = rows.Writes[i] with { Kind = RowWrite.Insert };
                }
            }
        }

        string pending = "";
        RowWrite? pendingRow = null;
        if (!fits)
        {
            turn.Rows = rows.Writes;
            pending = "turn:" + revision;
            await _blobs.WriteAsync(AzureBlobs.Turn(key, revision), turn.ToJson(), cancellationToken).ConfigureAwait(false);
        }
        else if (turn.HasEffects)
        {
            var json = turn.ToJson();
            if (json.Length <= MaxInlineChars)
            {
                pending = AzureKeys.Pending;
                pendingRow = RowWrite.From(RowWrite.Replace, new TableEntity("", AzureKeys.Pending) { ["Turn"] = json });
            }
            else
            {
                pending = "turn:" + revision;
                await _blobs.WriteAsync(AzureBlobs.Turn(key, revision), json, cancellationToken).ConfigureAwait(false);
            }
        }

        var pk = AzureKeys.Escape(key);
        while (true)
        {
            statusRow["Pending"] = pending;
            if (pending.Length > 0)
            {
                // Held by the committing silo until the pending work is done, finished or not, so that recovery finds it if the silo dies first.
                (statusRow["Owner"], statusRow["Held"]) = (commit.Owner, true);
            }
            var actions = new List<TableTransactionAction>
            {
                commit.NewInstance is null ? new(TableTransactionActionType.UpdateMerge, statusRow, fence!.ETag) : new(TableTransactionActionType.Add, statusRow),
            };
            if (fits)
            {
                actions.AddRange(rows.Writes.Select(w => w.ToAction(pk)));
                if (pendingRow is not null)
                {
                    actions.Add(pendingRow.ToAction(pk));
                }
            }

            try
            {
                var responses = await Instances.SubmitTransactionAsync(actions, cancellationToken).ConfigureAwait(false);
                if (AfterTransaction is { } hook && pending.Length > 0)
                {
                    await hook(key).ConfigureAwait(false);
                }

                RememberCommit(key, revision, responses.Value[0].Headers.ETag ?? default, commit, fence, pending.Length > 0);
                break;
            }
            catch (TableTransactionFailedException ex) when (ex.FailedTransactionActionIndex is null or 0 && ex.Status == 409 && commit.NewInstance is not null)
            {
                throw new InstanceAlreadyExistsException(key);
            }
            catch (TableTransactionFailedException ex) when (ex.Status == 409 && fits && TakenTimer(ex.FailedTransactionActionIndex, rows.Writes, rows.Timers) is (int write, int taken))
            {
                var id = NewTimerId(commit.NewTimers[taken].FireAt);
                var rowKey = AzureKeys.Message(id);
                if (rows.Timers.Contains(rowKey))
                {
                    continue; // Drawn by another timer of this turn: draw again.
                }

                await WriteHintsAsync([DueHint(key, id)], cancellationToken).ConfigureAwait(false);
                rows.Writes[write] = rows.Writes[write] with { RowKey = rowKey };
                rows.Timers[taken] = rowKey;
                timers[taken] = timers[taken] with { MessageId = id };
            }
            catch (TableTransactionFailedException ex) when (ex.FailedTransactionActionIndex is null or 0 && ex.Status is 404 or 412 && fence is not null)
            {
                // The status row changed: another activation committed (a conflict), or a message marked it (commit again).
                _fences.TryRemove(key, out _);
                fence = await FenceAsync(key, commit.ExpectedRevision, cancellationToken).ConfigureAwait(false);
            }
        }

        var messaged = pending.Length == 0 ? [] : await FinishTurnAsync(key, pending, turn, cancellationToken).ConfigureAwait(false);
        _ = CleanUpAsync(cleanup);
        return timers.Length == 0 && messaged.Count == 0 ? CommitOutcome.Empty : new CommitOutcome(timers, messaged);
    }

    /// <summary>
    /// The write and the timer whose row failed a transaction at <paramref name="action"/> (the status row first, then the
    /// turn's rows in order), if that row is a timer's.
    /// </summary>
    private static (int Write, int Timer)? TakenTimer(int? action, List<RowWrite> writes, List<string> timers) =>
        action is int failed && failed >= 1 && failed <= writes.Count && timers.IndexOf(writes[failed - 1].RowKey) is var t and >= 0 ? (failed - 1, t) : null;

    /// <summary>Draws the id of a new timer's message (its due millisecond and random bits); tests choose them.</summary>
    internal Func<DateTime, long> NewTimerId { get; set; } = AzureKeys.NewMessageId;

    /// <summary>For tests: runs after a commit's transaction and before its pending work, as a silo dying there would stop.</summary>
    internal Func<string, Task>? AfterTransaction { get; set; }

    /// <summary>
    /// The fence of an instance's next commit: its status row's ETag when its revision is still <paramref name="expectedRevision"/>,
    /// after finishing any turn left pending.
    /// </summary>
    /// <exception cref="InstanceConflictException">The revision moved on, or the instance is gone.</exception>
    private async Task<Fence> FenceAsync(string key, long expectedRevision, CancellationToken cancellationToken)
    {
        if (!_fences.TryGetValue(key, out var fence) || fence.Revision != expectedRevision || fence.Pending)
        {
            await FinishPendingAsync(key, rowsOnly: false, cancellationToken).ConfigureAwait(false);
            if (await ReadInstanceEntityAsync(key, cancellationToken).ConfigureAwait(false) is null || !_fences.TryGetValue(key, out fence))
            {
                throw new InstanceConflictException(key, expectedRevision);
            }
        }

        return fence.Revision == expectedRevision && !fence.Pending ? fence : throw new InstanceConflictException(key, expectedRevision);
    }

    private void RememberCommit(string key, long revision, ETag etag, InstanceCommit commit, Fence? fence, bool pending)
    {
        if (commit.Status.IsTerminal() && !pending)
        {
            _fences.TryRemove(key, out _);
            return;
        }

        var name = commit.NewInstance?.Name ?? fence?.Name ?? "";
        var status = commit.NewInstance is { } created && !commit.WritesStatus ? created.Status : commit.WritesStatus ? commit.Status : fence!.Status;
        _fences[key] = new Fence(revision, etag, status, name, pending);
    }

    /// <summary>The status row a turn writes: the whole row when it creates the instance, else the columns it changes (merged under the fence).</summary>
    private static TableEntity StatusRow(PreparedCommit prepared, long revision, List<(string, string)> spilled)
    {
        var commit = prepared.Commit;
        var terminal = commit.Status.IsTerminal();
        var row = new TableEntity(AzureKeys.Escape(commit.InstanceId), AzureKeys.Instance)
        {
            ["Revision"] = revision,
            ["Owner"] = terminal ? "" : commit.Owner,
            ["Held"] = !terminal,
        };
        if (prepared.WritesStatus)
        {
            row["Status"] = (int)commit.Status;
            row["UpdatedAt"] = commit.Now.Ticks;
            row["CompletedAt"] = terminal ? commit.Now.Ticks : 0L;
            row["Output"] = Store(commit.InstanceId, prepared.Output, spilled);
            row["Failure"] = Store(commit.InstanceId, prepared.Failure, spilled);
            row["StatusReason"] = Store(commit.InstanceId, commit.StatusReason, spilled);
        }

        if (commit.CustomStatusChanged)
        {
            row["CustomStatus"] = Store(commit.InstanceId, commit.CustomStatus, spilled);
        }

        if (commit.NewInstance is not { } created)
        {
            return row;
        }

        row["Key"] = commit.InstanceId;
        row["Name"] = created.Name;
        row["CreatedAt"] = created.CreatedAt.Ticks;
        row["Input"] = Store(commit.InstanceId, prepared.NewInput, spilled);
        row["Version"] = created.Version;
        row["Parent"] = "";
        row["Creator"] = "";
        if (!prepared.WritesStatus)
        {
            row["Status"] = (int)created.Status;
            row["UpdatedAt"] = created.CreatedAt.Ticks;
            row["CompletedAt"] = 0L;
        }

        return row;
    }

    /// <summary>The rows a turn writes to its own partition (besides the status row), the index hints to write first and to drop after.</summary>
    private async Task<(List<RowWrite> Writes, List<string> Timers)> OwnRowsAsync(
        PreparedCommit prepared, List<(string, string)> spilled, List<TableEntity> hints, List<(string, string)> cleanup, CancellationToken cancellationToken)
    {
        var commit = prepared.Commit;
        var key = commit.InstanceId;
        var writes = new List<RowWrite>();
        if (commit.HistoryReset)
        {
            // The stored history becomes exactly the new events: every other row goes, whatever its position.
            var (first, end) = (commit.FirstPosition, commit.FirstPosition + prepared.Events.Length);
            await foreach (var row in QueryRangeAsync(key, AzureKeys.HistoryPrefix, null, cancellationToken, ["RowKey"]).ConfigureAwait(false))
            {
                var position = long.Parse(row.RowKey.AsSpan(1), System.Globalization.CultureInfo.InvariantCulture);
                if (position < first || position >= end)
                {
                    writes.Add(new RowWrite(RowWrite.Delete, row.RowKey, null));
                }
            }
        }

        for (var i = 0; i < prepared.Events.Length; i++)
        {
            writes.Add(RowWrite.From(RowWrite.Replace, new TableEntity("", AzureKeys.History(commit.FirstPosition + i)) { ["Event"] = Store(key, prepared.Events[i], spilled) }));
        }

        // A transaction may name a row once: a row both consumed and closed is written once.
        var closing = new HashSet<string>(StringComparer.Ordinal);
        foreach (var id in commit.ConsumedMessages)
        {
            if (closing.Add(AzureKeys.Message(id)))
            {
                writes.Add(Tombstone(AzureKeys.Message(id)));
                cleanup.Add((AzureKeys.Due(key), AzureKeys.DueRow(key, id)));
            }
        }

        if (commit.CloseAll || commit.ClosedSteps.Count > 0)
        {
            var steps = commit.CloseAll ? null : commit.ClosedSteps.ToHashSet();
            foreach (var prefix in new[] { AzureKeys.CallbackPrefix, AzureKeys.MessagePrefix, AzureKeys.WorkPrefix })
            {
                await foreach (var row in QueryRangeAsync(key, prefix, "Gone ne true and StepId ge 0", cancellationToken, ["RowKey", "StepId", "Queue"]).ConfigureAwait(false))
                {
                    var step = row.GetInt32("StepId")!.Value;
                    if (steps is not null && !steps.Contains(step))
                    {
                        continue;
                    }

                    if (!closing.Add(row.RowKey))
                    {
                        continue;
                    }

                    writes.Add(Tombstone(row.RowKey));
                    if (prefix == AzureKeys.WorkPrefix)
                    {
                        cleanup.Add((AzureKeys.Queue(row.GetString("Queue")), AzureKeys.QueueRow(key, step)));
                        _workQueues.TryRemove((key, step), out _);
                    }
                    else if (prefix == AzureKeys.MessagePrefix)
                    {
                        cleanup.Add((AzureKeys.Due(key), AzureKeys.DueRow(key, long.Parse(row.RowKey.AsSpan(1), System.Globalization.CultureInfo.InvariantCulture))));
                    }
                }
            }
        }

        foreach (var step in commit.ConsumedWorkItems)
        {
            if (closing.Add(AzureKeys.Work(step)))
            {
                writes.Add(Tombstone(AzureKeys.Work(step)));
                if (_workQueues.TryRemove((key, step), out var queue))
                {
                    cleanup.Add((AzureKeys.Queue(queue), AzureKeys.QueueRow(key, step)));
                }
            }
        }

        for (var i = 0; i < commit.NewWorkItems.Count; i++)
        {
            var work = commit.NewWorkItems[i];
            var local = commit.LocalQueues.Contains(work.Queue);
            var rowKey = AzureKeys.Work(work.StepId);
            if (closing.Remove(rowKey))
            {
                // The turn ends a work item under this step and schedules another: the new row replaces the old one (a
                // transaction takes a row once), and its queue hint stays.
                writes.RemoveAll(w => w.RowKey == rowKey);
                cleanup.Remove((AzureKeys.Queue(work.Queue), AzureKeys.QueueRow(key, work.StepId)));
            }

            writes.Add(RowWrite.From(RowWrite.Replace, new TableEntity("", rowKey)
            {
                ["StepId"] = work.StepId,
                ["Queue"] = work.Queue,
                ["Name"] = work.Name,
                ["Input"] = Store(key, prepared.WorkInputs[i], spilled),
                ["LeaseOwner"] = local ? commit.Owner : "",
                ["Deliveries"] = local ? 1 : 0,
                ["CreatedAt"] = commit.Now.Ticks,
                ["StartToCloseMs"] = (long?)work.StartToClose?.TotalMilliseconds ?? -1L,
                ["HeartbeatMs"] = (long?)work.HeartbeatTimeout?.TotalMilliseconds ?? -1L,
                ["Gone"] = false,
            }));
            hints.Add(new TableEntity(AzureKeys.Queue(work.Queue), AzureKeys.QueueRow(key, work.StepId)) { ["Owner"] = local ? commit.Owner : "" });
            _workQueues[(key, work.StepId)] = work.Queue;
        }

        foreach (var callback in commit.NewCallbacks)
        {
            writes.Add(RowWrite.From(RowWrite.Replace, new TableEntity("", AzureKeys.Callback(callback.TokenId)) { ["StepId"] = callback.StepId, ["Used"] = false, ["Gone"] = false }));
        }

        var timerRows = new List<string>();
        for (var i = 0; i < commit.NewTimers.Count; i++)
        {
            var timer = commit.NewTimers[i];
            string rowKey;
            long id;
            do
            {
                id = NewTimerId(timer.FireAt);
                rowKey = AzureKeys.Message(id);
            }
            while (timerRows.Contains(rowKey));

            timerRows.Add(rowKey);
            writes.Add(RowWrite.From(RowWrite.Replace, MessageRow(rowKey, timer.FireAt, prepared.TimerBodies[i], timer.StepId, "")));
            hints.Add(DueHint(key, id));
        }

        if (commit.NewInstance is { } created)
        {
            hints.AddRange(ListingHints(key, created.Name, created.Version, created.CreatedAt));
            hints.AddRange(await OwnerHintsAsync(key, commit.Owner, cancellationToken).ConfigureAwait(false));
        }

        return (writes, timerRows);
    }

    /// <summary>The status changes, children and messages of a turn, all outside its partition.</summary>
    private static void AddEffects(PreparedCommit prepared, Fence? fence, AzureTurn turn, List<(string, string)> spilled)
    {
        var commit = prepared.Commit;
        var key = commit.InstanceId;
        if (commit.NewInstance is { } created)
        {
            turn.Statuses.Add(new LoggedStatus(key, created.Name, created.Status, null, created.CreatedAt, created.StatusReason));
            if (prepared.WritesStatus && commit.Status != created.Status)
            {
                turn.Statuses.Add(new LoggedStatus(key, created.Name, commit.Status, created.Status, commit.Now, commit.StatusReason));
            }
        }
        else if (prepared.WritesStatus && commit.Status != fence!.Status)
        {
            turn.Statuses.Add(new LoggedStatus(key, fence.Name, commit.Status, fence.Status, commit.Now, commit.StatusReason));
        }

        foreach (var child in prepared.Children)
        {
            var childKey = child.Work.InstanceId;
            turn.Children.Add(new ChildCreation(childKey, child.Work.Name, child.Work.Version, Store(childKey, child.Input, spilled), Store(childKey, child.Start, spilled),
                child.Conflict is null ? null : Store(key, child.Conflict, spilled), child.Parent));
        }

        for (var i = 0; i < prepared.Outgoing.Length; i++)
        {
            var (target, body) = prepared.Outgoing[i];
            // A tick apart, so that messages one turn sends to one instance are read in the order it sent them.
            turn.Messages.Add(new MessageDelivery(target, Store(target, body, spilled), commit.Now.AddTicks(i), $"{key}@{turn.Revision}#m{i}"));
        }
    }

    private static RowWrite Tombstone(string rowKey) =>
        RowWrite.From(RowWrite.Merge, new TableEntity("", rowKey) { ["Gone"] = true, ["Body"] = "", ["Input"] = "" });

    private static TableEntity MessageRow(string rowKey, DateTime visibleAt, string body, int stepId, string source) => new("", rowKey)
    {
        ["VisibleAt"] = visibleAt.Ticks,
        ["Body"] = body,
        ["StepId"] = stepId,
        ["Src"] = source,
        ["Gone"] = false,
    };

    private static TableEntity DueHint(string key, long messageId) => new(AzureKeys.Due(key), AzureKeys.DueRow(key, messageId)) { ["Key"] = key };

    private static IEnumerable<TableEntity> ListingHints(string key, string name, int version, DateTime createdAt) =>
        new[] { AzureKeys.Ascending(createdAt.Ticks, key), AzureKeys.Descending(createdAt.Ticks, key) }.Select(rowKey => new TableEntity(AzureKeys.Listing, rowKey)
        {
            ["Key"] = key,
            ["Name"] = name,
            ["Version"] = version,
            ["CreatedAt"] = createdAt.Ticks,
        });

    private Task WriteHintsAsync(List<TableEntity> hints, CancellationToken cancellationToken) =>
        hints.Count == 0 ? Task.CompletedTask : AzureBatch.UpsertAsync(Index, hints, cancellationToken);

    /// <summary>Drops the hints of what a commit consumed; one that survives a crash is dropped when next read.</summary>
    private async Task CleanUpAsync(List<(string Partition, string Row)> cleanup)
    {
        if (cleanup.Count == 0)
        {
            return;
        }

        try
        {
            await Task.WhenAll(cleanup.Distinct().GroupBy(c => c.Partition, StringComparer.Ordinal).SelectMany(g => g.Select(c => c.Row).Chunk(100).Select(rows =>
                AzureBatch.DeleteAsync(Index, g.Key, rows, CancellationToken.None)))).ConfigureAwait(false);
        }
        catch (RequestFailedException)
        {
            // Hints only: a stale one is checked against its partition and dropped when read.
        }
    }
}
