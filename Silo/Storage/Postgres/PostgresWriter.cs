using System.Threading.Channels;
using Npgsql;

namespace Baton.Silo.Storage.Postgres;

/// <summary>
/// The one connection through which a silo writes to PostgreSQL, on a thread of its own. Writes queue up while a
/// transaction is in flight and then share the next one (group commit): each runs in its own savepoint, so one that
/// fails rolls back alone, and all that succeed become durable with one commit. A write that loses a deadlock to another
/// silo's transaction is retried in the next transaction instead of failing; a broken connection is opened again.
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

    /// <summary>Runs a statement that changes rows; only for use inside a write.</summary>
    /// <returns>How many rows it changed.</returns>
    public int Execute(string sql, params object?[] values)
    {
        using var command = PostgresStatement.For(sql).Command(Connection, values);
        return command.ExecuteNonQuery();
    }

    /// <summary>Runs a statement and returns the first column of its first row, or null; only for use inside a write.</summary>
    public object? Scalar(string sql, params object?[] values)
    {
        using var command = PostgresStatement.For(sql).Command(Connection, values);
        var value = command.ExecuteScalar();
        return value is DBNull ? null : value;
    }

    /// <summary>Runs a query and maps every row; only for use inside a write.</summary>
    public List<TRow> Query<TRow>(string sql, Func<NpgsqlDataReader, TRow> map, params object?[] values)
    {
        using var command = PostgresStatement.For(sql).Command(Connection, values);
        using var reader = command.ExecuteReader();
        var rows = new List<TRow>();
        while (reader.Read())
        {
            rows.Add(map(reader));
        }

        return rows;
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

        var succeeded = new List<WriteRequest<PostgresWriter>>(batch.Count);
        var single = batch.Count == 1;
        foreach (var request in batch)
        {
            try
            {
                if (!single)
                {
                    transaction.Save("unit");
                }

                request.Run(this);
                if (!single)
                {
                    transaction.Release("unit");
                }

                succeeded.Add(request);
            }
            catch (Exception ex) when (_connection.State == System.Data.ConnectionState.Open)
            {
                var deadlocked = ex is PostgresException { SqlState: PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.SerializationFailure }
                    && request.Attempts++ < MaxDeadlockRetries;
                if (single)
                {
                    // Alone in its transaction: rolling the whole of it back is rolling back this write.
                    TryRollback(transaction);
                    transaction.Dispose();
                    Settle(request, ex, deadlocked, retry);
                    return;
                }

                try
                {
                    transaction.Rollback("unit");
                    transaction.Release("unit");
                }
                catch (Exception rollbackFailure)
                {
                    Settle(request, ex, deadlocked, retry);
                    Abort(transaction, succeeded, rollbackFailure);
                    return;
                }

                Settle(request, ex, deadlocked, retry);
            }
            catch (Exception ex)
            {
                // The connection broke: nothing of this transaction was committed.
                request.Fail(ex);
                Abort(transaction, succeeded, ex);
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
