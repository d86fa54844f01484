using Baton.Silo.Storage.Sqlite;
using Microsoft.Data.Sqlite;

namespace Baton.Silo.Tests.Stores;

/// <summary>The SQLite statements the writer binds and steps itself, without SqliteCommand.</summary>
public sealed class PreparedStatementTests : IDisposable
{
    private readonly SqliteConnection _connection = new("Data Source=:memory:");

    public PreparedStatementTests()
    {
        _connection.Open();
        using var create = new PreparedStatement(_connection, "CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT, b TEXT, n INTEGER, r REAL, data BLOB)");
        create.Execute();
    }

    [Fact]
    public void Values_RoundTrip_AndEachTextKeepsItsOwnValue()
    {
        using var insert = new PreparedStatement(_connection, "INSERT INTO t (a, b, n, r, data) VALUES ($a, $b, $n, $r, $data) RETURNING id");
        var long_ = new string('ü', 1000); // Beyond the statement's first buffer, and two UTF-8 bytes a character.
        var first = (long)insert.Scalar("first", long_, 42L, 1.5, new byte[] { 1, 2, 3 })!;
        var second = (long)insert.Scalar("", null, WorkflowRuntimeStatus.Failed, 0.0, null)!;

        using var read = new PreparedStatement(_connection, "SELECT a || '|' || b || '|' || n || '|' || r FROM t WHERE id = $id");
        Assert.Equal($"first|{long_}|42|1.5", read.Scalar(first));
        using var kinds = new PreparedStatement(_connection, "SELECT typeof(a) || typeof(b) || n FROM t WHERE id = $id");
        Assert.Equal("textnull" + (int)WorkflowRuntimeStatus.Failed, kinds.Scalar(second)); // "" stays text, not NULL.
        using var blob = new PreparedStatement(_connection, "SELECT data FROM t WHERE id = $id");
        Assert.Equal(new byte[] { 1, 2, 3 }, blob.Scalar(first));
    }

    [Fact]
    public void Execute_CountsChangedRows_ScalarIsNullWithoutARow_AndErrorsAreSqliteExceptions()
    {
        using var insert = new PreparedStatement(_connection, "INSERT INTO t (id, a) VALUES ($id, 'x') ON CONFLICT (id) DO NOTHING");
        Assert.Equal(1, insert.Execute(7L));
        Assert.Equal(0, insert.Execute(7L));
        using var missing = new PreparedStatement(_connection, "SELECT a FROM t WHERE id = $id");
        Assert.Null(missing.Scalar(8L));
        using var strict = new PreparedStatement(_connection, "INSERT INTO t (id) VALUES ($id)");
        var error = Assert.Throws<SqliteException>(() => strict.Execute(7L));
        Assert.Equal(19, error.SqliteErrorCode); // SQLITE_CONSTRAINT
        Assert.Equal(1, strict.Execute(9L)); // The statement is reset after the error and runs again.
        Assert.Throws<ArgumentException>(() => strict.Execute());
    }

    public void Dispose() => _connection.Dispose();
}
