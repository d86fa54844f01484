using System.Diagnostics;
using System.Threading.Channels;
using Microsoft.Data.Sqlite;

namespace Baton.Silo.Storage.Sqlite;

/// <summary>
/// The one connection that writes to the SQLite file, on a thread of its own. Writes queue up while a
/// commit is in flight and then share the next one (group commit), and become durable with a single sync. One that
/// fails rolls back alone: the batch then runs again with each write in its own savepoint.
/// </summary>
internal sealed class SqliteWriter : IAsyncDisposable
{
    private readonly SqliteConnection _connection;
    private readonly Channel<WriteRequest<SqliteWriter>> _requests = Channel.CreateUnbounded<WriteRequest<SqliteWriter>>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Dictionary<string, PreparedStatement> _statements = new(StringComparer.Ordinal);
    private readonly Thread _thread;
    private readonly int _maxBatch;
    private long _commits;
    private long _writes;

    public SqliteWriter(SqliteConnection connection, int maxBatch)
    {
        _connection = connection;
        _maxBatch = maxBatch;
        _thread = new Thread(Loop) { IsBackground = true, Name = "baton-sqlite-writer" };
        _thread.Start();
    }

    /// <summary>Runs <paramref name="work"/> on the writer connection inside a transaction; completes once it is committed.</summary>
    public Task<T> WriteAsync<T>(Func<SqliteWriter, T> work)
    {
        var request = new WriteRequest<SqliteWriter, T>(work);
        if (!_requests.Writer.TryWrite(request))
        {
            throw new ObjectDisposedException(nameof(SqliteWriter));
        }

        return request.Completion.Task;
    }

    /// <summary>Transactions committed so far.</summary>
    public long Commits => Interlocked.Read(ref _commits);

    /// <summary>Writes committed so far; above <see cref="Commits"/> when writes share commits.</summary>
    public long Writes => Interlocked.Read(ref _writes);

    /// <summary>A statement prepared on the writer connection, cached by its text. Only for use inside a write.</summary>
    public PreparedStatement Statement(string sql)
    {
        if (!_statements.TryGetValue(sql, out var statement))
        {
            statement = new PreparedStatement(_connection, sql);
            _statements.Add(sql, statement);
        }

        return statement;
    }

    public long LastInsertRowId() => (long)Statement("SELECT last_insert_rowid()").Scalar()!;

    public async ValueTask DisposeAsync()
    {
        _requests.Writer.TryComplete();
        await Task.Run(_thread.Join).ConfigureAwait(false);
        foreach (var statement in _statements.Values)
        {
            statement.Dispose();
        }

        await _connection.DisposeAsync().ConfigureAwait(false);
    }

    private void Loop()
    {
        var batch = new List<WriteRequest<SqliteWriter>>(_maxBatch);
        var putBack = new List<WriteRequest<SqliteWriter>>();
        var reader = _requests.Reader;
        while (putBack.Count > 0 || WaitForWrites(reader))
        {
            batch.Clear();
            batch.AddRange(putBack);
            putBack.Clear();
            while (batch.Count < _maxBatch && reader.TryRead(out var request))
            {
                batch.Add(request);
            }

            CommitBatch(batch, putBack);
        }
    }

    /// <summary>
    /// Waits for the next write, watching the queue for a moment before it sleeps. An instance's next turn comes a few
    /// hundred microseconds after its commit (the result of the activity it scheduled), and a writer that slept by then
    /// had to be woken for every turn: with the watch, one five-step workflow's p50 fell by a quarter to a half in
    /// alternating runs, and throughput did not suffer (bench/README.md). With one core the watch would only keep the
    /// next turn from being made, so it is skipped there.
    /// </summary>
    /// <returns>False once the queue is completed and empty.</returns>
    private static bool WaitForWrites(ChannelReader<WriteRequest<SqliteWriter>> reader)
    {
        if (Environment.ProcessorCount > 1)
        {
            var until = Stopwatch.GetTimestamp() + IdleWatch;
            while (!reader.TryPeek(out _) && Stopwatch.GetTimestamp() < until)
            {
                Thread.SpinWait(30);
            }
        }

        return reader.WaitToReadAsync().AsTask().GetAwaiter().GetResult();
    }

    /// <summary>300 µs, in <see cref="Stopwatch"/> ticks.</summary>
    private static readonly long IdleWatch = Stopwatch.Frequency * 300 / 1_000_000;

    private void CommitBatch(List<WriteRequest<SqliteWriter>> batch, List<WriteRequest<SqliteWriter>> putBack)
    {
        if (!TryCommitTogether(batch))
        {
            CommitInSavepoints(batch, putBack);
        }
    }

    /// <summary>
    /// Runs a batch in one transaction without savepoints, which is what nearly every batch needs: a savepoint costs each
    /// write two more statements on the one thread that writes. False, with nothing settled and every result forgotten, when
    /// a write failed or the transaction did: the batch then runs again with a savepoint for each write, so that a failure
    /// is that write's alone. The writes are the store's own and change nothing outside the file, so they can run twice.
    /// </summary>
    private bool TryCommitTogether(List<WriteRequest<SqliteWriter>> batch)
    {
        try
        {
            Execute("BEGIN IMMEDIATE");
        }
        catch (SqliteException)
        {
            return false; // The savepoint path begins again, and fails the batch if it cannot.
        }

        try
        {
            foreach (var request in batch)
            {
                request.Run(this);
            }

            Execute("COMMIT");
        }
        catch (Exception)
        {
            TryExecute("ROLLBACK");
            batch.ForEach(r => r.Reset());
            return false;
        }

        Committed(batch);
        return true;
    }

    /// <summary>
    /// Runs a batch in one transaction, each write in a savepoint of its own. When the transaction is lost part-way (a
    /// rollback to a savepoint or the commit failed), every write that ran in it fails with the cause, and the writes that
    /// had not run yet go to <paramref name="putBack"/> for the next transaction; no write is left unsettled.
    /// </summary>
    private void CommitInSavepoints(List<WriteRequest<SqliteWriter>> batch, List<WriteRequest<SqliteWriter>> putBack)
    {
        try
        {
            Execute("BEGIN IMMEDIATE");
        }
        catch (Exception ex)
        {
            batch.ForEach(r => r.Fail(ex));
            return;
        }

        var succeeded = new List<WriteRequest<SqliteWriter>>(batch.Count);
        var started = 0;
        try
        {
            while (started < batch.Count)
            {
                var request = batch[started];
                Execute("SAVEPOINT unit");
                started++;
                try
                {
                    request.Run(this);
                }
                catch (Exception ex)
                {
                    request.Fail(ex);
                    Execute("ROLLBACK TO unit");
                    Execute("RELEASE unit");
                    continue;
                }

                succeeded.Add(request);
                Execute("RELEASE unit");
            }

            Execute("COMMIT");
        }
        catch (Exception ex)
        {
            TryExecute("ROLLBACK");
            succeeded.ForEach(r => r.Fail(ex));
            WriteRequest<SqliteWriter>.PutBack(batch, started, ex, putBack);
            return;
        }

        Committed(succeeded);
    }

    /// <summary>Counts a committed transaction and settles the writes it made durable.</summary>
    private void Committed(List<WriteRequest<SqliteWriter>> written)
    {
        Interlocked.Increment(ref _commits);
        Interlocked.Add(ref _writes, written.Count);
        written.ForEach(r => r.Succeed());
    }

    private void Execute(string sql) => Statement(sql).Execute();

    private bool TryExecute(string sql)
    {
        try
        {
            Execute(sql);
            return true;
        }
        catch (SqliteException)
        {
            return false;
        }
    }
}
