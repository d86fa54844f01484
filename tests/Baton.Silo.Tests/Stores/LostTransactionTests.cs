using Baton.Silo.Storage.Postgres;
using Baton.Silo.Storage.Sqlite;
using Baton.TestingHost;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Baton.Silo.Tests.Stores;

/// <summary>
/// A writer whose transaction is lost part-way through a batch (here: a write that breaks its own savepoint, so that the
/// writer cannot roll back to it) settles every write of the batch: what ran in the lost transaction fails, what had not
/// run yet commits in the next one. Before, the writes after the break were never settled and their callers hung.
/// </summary>
public sealed class LostTransactionTests
{
    private static readonly TimeSpan Settled = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Sqlite_ATransactionLostMidBatch_FailsWhatRanAndCommitsWhatHadNot()
    {
        var path = Path.Combine(Path.GetTempPath(), $"baton-lost-{Guid.NewGuid():N}.db");
        var connection = new SqliteConnection($"Data Source={path};Pooling=false");
        connection.Open();
        using (var create = connection.CreateCommand())
        {
            create.CommandText = "CREATE TABLE t (x INTEGER)";
            create.ExecuteNonQuery();
        }

        try
        {
            await using var writer = new SqliteWriter(connection, maxBatch: 100);
            await RunBatchWithABreakAsync<SqliteWriter>(
                work => writer.WriteAsync(work),
                (w, x) => w.Statement("INSERT INTO t VALUES ($x)").Execute(x),
                w => w.Statement("RELEASE unit").Execute(),
                w => Convert.ToInt64(w.Statement("SELECT count(*) FROM t WHERE x = $x").Scalar(1L)) + 10 * Convert.ToInt64(w.Statement("SELECT count(*) FROM t WHERE x = $x").Scalar(3L)));
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            File.Delete(path);
        }
    }

    [SkippableFact]
    public async Task Postgres_ATransactionLostMidBatch_FailsWhatRanAndCommitsWhatHadNot()
    {
        Skip.If(PostgresSchemaScope.ConnectionString is null, PostgresSchemaScope.SkipReason);
        await using var schema = PostgresSchemaScope.Create();
        var table = $"\"{schema.Schema}\".t";
        await using var dataSource = NpgsqlDataSource.Create(PostgresSchemaScope.ConnectionString!);
        await using (var create = dataSource.CreateCommand($"CREATE SCHEMA IF NOT EXISTS \"{schema.Schema}\"; CREATE TABLE {table} (x integer)"))
        {
            await create.ExecuteNonQueryAsync();
        }

        await using var writer = new PostgresWriter(dataSource, maxBatch: 100);
        await RunBatchWithABreakAsync<PostgresWriter>(
            work => writer.WriteAsync(work),
            (w, x) => w.Execute($"INSERT INTO {table} VALUES ($x)", (int)x),
            w => w.Execute("ROLLBACK"), // ends the transaction under the writer's feet
            w => (long)w.Scalar($"SELECT count(*) FILTER (WHERE x = 1) + 10 * count(*) FILTER (WHERE x = 3) FROM {table}")!);
    }

    /// <summary>
    /// Queues, behind a write that holds the writer until all are queued (so that they share one transaction): an insert of
    /// 1, a write that breaks the transaction and throws, and an insert of 3. Then checks how each was settled.
    /// </summary>
    private static async Task RunBatchWithABreakAsync<TWriter>(
        Func<Func<TWriter, long>, Task<long>> write, Func<TWriter, long, int> insert, Func<TWriter, int> breakTransaction, Func<TWriter, long> count)
    {
        using var holding = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        var blocker = write(_ => { holding.Set(); release.Wait(); return 0; });
        Assert.True(holding.Wait(Settled), "the writer never ran the first write");

        var first = write(w => insert(w, 1));
        var breaking = write(w =>
        {
            breakTransaction(w);
            throw new InvalidOperationException("this write broke its transaction");
        });
        var after = write(w => insert(w, 3));
        release.Set();

        await blocker.WaitAsync(Settled);
        await Task.WhenAny(Task.WhenAll(first, breaking, after)).WaitAsync(Settled); // every write settled, none left hanging

        Assert.True(first.IsFaulted, "a write that ran in the lost transaction must fail: it was not committed");
        Assert.Equal("this write broke its transaction", (await Assert.ThrowsAsync<InvalidOperationException>(() => breaking)).Message);
        Assert.Equal(1, await after); // it had not run: it went in the next transaction
        Assert.Equal(10, await write(count)); // 3 is there, 1 is not
    }
}
