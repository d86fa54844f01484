using System.Threading.Channels;
using Npgsql;

namespace Baton.Silo.Storage.Postgres;

/// <summary>
/// The one connection through which a silo writes to PostgreSQL, on a thread of its own. Writes queue up while a
/// transaction is in flight and then share the next one (group commit): each runs in its own savepoint, so one that
/// fails rolls back alone, and all that succeed become durable with one commit. Round trips are what a write costs here,
/// so a write that is a fixed list of statements (a turn's commit) is queued as a <see cref="PostgresBatch"/>, and the
/// queued batches of one transaction go to the server together, savepoints between them, in one round trip; a write that
/// must read before it decides runs its statements as it goes. A write that loses a deadlock to another silo's
/// transaction is retried in the next transaction instead of failing; a broken connection is opened again. When a
/// transaction is lost part-way, the writes that ran in it fail and those that had not run go in the next one.
/// </summary>
internal sealed class PostgresWriter : IAsyncDisposable
{
    private const int MaxDeadlockRetries = 8;

    private readonly NpgsqlDataSource _dataSource;
    private readonly Channel<WriteRequest<PostgresWriter>> _requests = Channel.CreateUnbounded<WriteRequest<PostgresWriter>>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Thread _thread;
    private readonly int _maxBatch;
    private NpgsqlConnection? _connection;
    private long _commits;
    private long _writes;

    // The savepoint protocol: before a write's first statement, the commands that release the previous write's savepoint
    // and open its own travel in the same batch. A write that sent nothing has no savepoint to roll back to.
    private bool _useSavepoints;
    private bool _savepointOpen;
    private bool _unitStarted;

    public PostgresWriter(NpgsqlDataSource dataSource, int maxBatch)
    {
        _dataSource = dataSource;
        _maxBatch = maxBatch;
        _thread = new Thread(Loop) { IsBackground = true, Name = "baton-postgres-writer" };
        _thread.Start();
    }

    /// <summary>Transactions committed so far.</summary>
    public long Commits => Interlocked.Read(ref _commits);

    /// <summary>Writes committed so far; above <see cref="Commits"/> when writes share transactions.</summary>
    public long Writes => Interlocked.Read(ref _writes);

    /// <summary>Runs <paramref name="work"/> on the writer connection inside a transaction; completes once it is committed.</summary>
    public Task<T> WriteAsync<T>(Func<PostgresWriter, T> work)
    {
        var request = new WriteRequest<PostgresWriter, T>(work);
        if (!_requests.Writer.TryWrite(request))
        {
            throw new ObjectDisposedException(nameof(PostgresWriter));
        }

        return request.Completion.Task;
    }

    /// <summary>
    /// Queues <paramref name="batch"/> as a write, to be sent with the other batches of its transaction in one round trip;
    /// completes with <paramref name="result"/> (which reads the statements' rows) once the transaction is committed.
    /// </summary>
    public Task<T> WriteAsync<T>(PostgresBatch batch, Func<T> result)
    {
        var request = new PipelinedWrite<T>(batch, result);
        if (!_requests.Writer.TryWrite(request))
        {
            throw new ObjectDisposedException(nameof(PostgresWriter));
        }

        return request.Completion.Task;
    }

    /// <summary>Runs a statement that changes rows; only for use inside a write.</summary>
    /// <returns>How many rows it changed.</returns>
    public int Execute(string sql, params object?[] values)
    {
        var batch = new PostgresBatch();
        var statement = batch.Add(sql, values);
        Run(batch);
        return statement.RowsAffected;
    }

    /// <summary>Runs a statement and returns the first column of its first row, or null; only for use inside a write.</summary>
    public object? Scalar(string sql, params object?[] values)
    {
        var batch = new PostgresBatch();
        var statement = batch.Add(sql, values, returnsRows: true);
        Run(batch);
        return statement.Scalar;
    }

    /// <summary>Runs a query and returns its rows, each as its column values; only for use inside a write.</summary>
    public List<object?[]> Query(string sql, params object?[] values)
    {
        var batch = new PostgresBatch();
        var statement = batch.Add(sql, values, returnsRows: true);
        Run(batch);
        return statement.Rows;
    }

    /// <summary>Sends every statement of <paramref name="batch"/> in one round trip, in order; only for use inside a write.</summary>
    /// <exception cref="PostgresException">A statement failed: the ones after it did not run, and the write is rolled back.</exception>
    public void Run(PostgresBatch batch)
    {
        var commands = new List<(NpgsqlBatchCommand Command, PostgresBatch.Statement? Statement)>();
        if (_useSavepoints && !_unitStarted)
        {
            AddSavepoint(commands);
            _unitStarted = true;
        }

        commands.AddRange(batch.Statements.Select(s => (s.Command(), (PostgresBatch.Statement?)s)));
        Send(commands);
    }

    /// <summary>The commands that release the previous write's savepoint and open the next one's.</summary>
    private void AddSavepoint(List<(NpgsqlBatchCommand, PostgresBatch.Statement?)> commands)
    {
        if (_savepointOpen)
        {
            commands.Add((new NpgsqlBatchCommand("RELEASE SAVEPOINT unit"), null));
        }

        commands.Add((new NpgsqlBatchCommand("SAVEPOINT unit"), null));
        _savepointOpen = true;
    }

    /// <summary>Sends commands in one round trip, handing each statement the rows it returned and the count it changed.</summary>
    private void Send(List<(NpgsqlBatchCommand Command, PostgresBatch.Statement? Statement)> commands)
    {
        using var batch = new NpgsqlBatch(Connection);
        foreach (var (command, _) in commands)
        {
            batch.BatchCommands.Add(command);
        }

        using (var reader = batch.ExecuteReader())
        {
            // Result sets come in statement order; statements that return none (an INSERT without RETURNING, the savepoint
            // commands) have no columns, whether or not the reader stops at them.
            var readers = commands.Where(c => c.Statement is { ReturnsRows: true }).Select(c => c.Statement!).GetEnumerator();
            do
            {
                if (reader.FieldCount == 0 || !readers.MoveNext())
                {
                    continue;
                }

                while (reader.Read())
                {
                    readers.Current.Read(reader);
                }
            }
            while (reader.NextResult());
        }

        foreach (var (command, statement) in commands)
        {
            statement?.RowsAffected = command.RecordsAffected;
        }
    }

    public async ValueTask DisposeAsync()
    {
        _requests.Writer.TryComplete();
        await Task.Run(_thread.Join).ConfigureAwait(false);
        if (_connection is not null)
        {
            await _connection.DisposeAsync().ConfigureAwait(false);
        }
    }

    private NpgsqlConnection Connection => _connection ?? throw new InvalidOperationException("No write is running.");

    private void Loop()
    {
        var batch = new List<WriteRequest<PostgresWriter>>(_maxBatch);
        var retry = new List<WriteRequest<PostgresWriter>>();
        var reader = _requests.Reader;
        while (retry.Count > 0 || reader.WaitToReadAsync().AsTask().GetAwaiter().GetResult())
        {
            batch.Clear();
            batch.AddRange(retry);
            retry.Clear();
            while (batch.Count < _maxBatch && reader.TryRead(out var request))
            {
                batch.Add(request);
            }

            CommitBatch(batch, retry);
        }
    }

    private void CommitBatch(List<WriteRequest<PostgresWriter>> batch, List<WriteRequest<PostgresWriter>> retry)
    {
        NpgsqlTransaction transaction;
        try
        {
            if (_connection is not { State: System.Data.ConnectionState.Open })
            {
                _connection?.Dispose();
                _connection = null;
                _connection = _dataSource.OpenConnection();
            }

            transaction = _connection.BeginTransaction();
        }
        catch (Exception ex)
        {
            batch.ForEach(r => r.Fail(ex));
            return;
        }

        // Alone in its transaction, a write needs no savepoint: rolling the transaction back is rolling it back.
        _useSavepoints = batch.Count > 1;
        _savepointOpen = false;
        var succeeded = new List<WriteRequest<PostgresWriter>>(batch.Count);
        for (var next = 0; next < batch.Count;)
        {
            bool kept;
            if (batch[next] is IPipelinedWrite)
            {
                var group = batch.Skip(next).TakeWhile(r => r is IPipelinedWrite).ToList();
                next += group.Count;
                kept = SendPipeline(transaction, group, succeeded, retry);
            }
            else
            {
                kept = RunWrite(transaction, batch[next++], succeeded, retry);
            }

            if (!kept)
            {
                // The connection broke, or a rollback failed: the transaction is gone, and what ran in it was failed. The
                // writes that had not run yet were not the cause; they go in the next transaction.
                WriteRequest<PostgresWriter>.PutBack(batch, next, new InvalidOperationException("The writer's transaction was lost."), retry);
                return;
            }
        }

        try
        {
            transaction.Commit();
        }
        catch (Exception ex)
        {
            Abort(transaction, succeeded, ex);
            return;
        }
        finally
        {
            transaction.Dispose();
        }

        Interlocked.Increment(ref _commits);
        Interlocked.Add(ref _writes, succeeded.Count);
        succeeded.ForEach(r => r.Succeed());
    }

    /// <summary>
    /// Sends queued batches together in one round trip, behind one savepoint. When a statement fails, the server skips the
    /// rest and does not say whose it was: the group is rolled back to its savepoint and its writes run again one by one,
    /// each in a savepoint of its own, so that only the failing one fails. Failures are rare (a fenced-off activation during
    /// a silo's failover); the round trips saved are every write's.
    /// </summary>
    /// <returns>False when the transaction was lost (the connection broke, or a rollback failed); everything was failed then.</returns>
    private bool SendPipeline(NpgsqlTransaction transaction, List<WriteRequest<PostgresWriter>> group, List<WriteRequest<PostgresWriter>> succeeded, List<WriteRequest<PostgresWriter>> retry)
    {
        var commands = new List<(NpgsqlBatchCommand Command, PostgresBatch.Statement? Statement)>();
        if (_useSavepoints)
        {
            commands.Add((new NpgsqlBatchCommand("SAVEPOINT pipeline"), null));
        }

        foreach (var request in group)
        {
            commands.AddRange(((IPipelinedWrite)request).Batch.Statements.Select(s => (s.Command(), (PostgresBatch.Statement?)s)));
        }

        try
        {
            Send(commands);
        }
        catch (PostgresException ex) when (_connection!.State == System.Data.ConnectionState.Open)
        {
            if (!_useSavepoints)
            {
                return RollBackWrite(transaction, group[0], ex, unitStarted: false, succeeded, retry);
            }

            try
            {
                ExecuteCommand("ROLLBACK TO SAVEPOINT pipeline");
            }
            catch (Exception rollbackFailure)
            {
                group.ForEach(r => r.Fail(rollbackFailure));
                Abort(transaction, succeeded, rollbackFailure);
                return false;
            }

            return group.All(request => RunWrite(transaction, request, succeeded, retry));
        }
        catch (Exception ex)
        {
            group.ForEach(r => r.Fail(ex));
            Abort(transaction, succeeded, ex);
            return false;
        }

        foreach (var request in group)
        {
            ((IPipelinedWrite)request).Ran();
            succeeded.Add(request);
        }

        return true;
    }

    /// <summary>Runs one write on its own (its statements as it sends them, in its savepoint) and settles it if it fails.</summary>
    /// <returns>False when the transaction was lost; everything it held was failed then.</returns>
    private bool RunWrite(NpgsqlTransaction transaction, WriteRequest<PostgresWriter> request, List<WriteRequest<PostgresWriter>> succeeded, List<WriteRequest<PostgresWriter>> retry)
    {
        _unitStarted = false;
        try
        {
            request.Run(this);
            succeeded.Add(request);
            return true;
        }
        catch (Exception ex) when (_connection!.State == System.Data.ConnectionState.Open)
        {
            return RollBackWrite(transaction, request, ex, _unitStarted, succeeded, retry);
        }
        catch (Exception ex)
        {
            // The connection broke: nothing of this transaction was committed.
            request.Fail(ex);
            Abort(transaction, succeeded, ex);
            return false;
        }
    }

    private void ExecuteCommand(string sql)
    {
        using var command = new NpgsqlCommand(sql, _connection);
        command.ExecuteNonQuery();
    }

    /// <summary>Undoes a failed write: to its savepoint when it shares the transaction, or the whole transaction when alone.</summary>
    /// <returns>False when the transaction was lost; everything it held was failed then.</returns>
    private bool RollBackWrite(NpgsqlTransaction transaction, WriteRequest<PostgresWriter> request, Exception failure, bool unitStarted,
        List<WriteRequest<PostgresWriter>> succeeded, List<WriteRequest<PostgresWriter>> retry)
    {
        var deadlocked = failure is PostgresException { SqlState: PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.SerializationFailure }
            && request.Attempts++ < MaxDeadlockRetries;
        if (!_useSavepoints)
        {
            // Alone in its transaction: rolling the transaction back is rolling the write back.
            TryRollback(transaction);
            transaction.Dispose();
            Settle(request, failure, deadlocked, retry);
            return false;
        }

        if (unitStarted)
        {
            try
            {
                ExecuteCommand("ROLLBACK TO SAVEPOINT unit");
            }
            catch (Exception rollbackFailure)
            {
                Settle(request, failure, deadlocked, retry);
                Abort(transaction, succeeded, rollbackFailure);
                return false;
            }
        }

        Settle(request, failure, deadlocked, retry);
        return true;
    }

    private static void Settle(WriteRequest<PostgresWriter> request, Exception failure, bool retryable, List<WriteRequest<PostgresWriter>> retry)
    {
        if (retryable)
        {
            request.Reset();
            retry.Add(request);
        }
        else
        {
            request.Fail(failure);
        }
    }

    private void Abort(NpgsqlTransaction transaction, List<WriteRequest<PostgresWriter>> executed, Exception cause)
    {
        TryRollback(transaction);
        transaction.Dispose();
        executed.ForEach(r => r.Fail(cause));
        if (_connection is { State: not System.Data.ConnectionState.Open })
        {
            _connection.Dispose();
            _connection = null;
        }
    }

    private static void TryRollback(NpgsqlTransaction transaction)
    {
        try
        {
            transaction.Rollback();
        }
        catch (Exception)
        {
            // The connection is gone, and with it the transaction.
        }
    }
}
