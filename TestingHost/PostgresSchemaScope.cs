using Npgsql;

namespace Baton.TestingHost;

/// <summary>
/// A schema of its own on the test PostgreSQL server (named by <c>BATON_TEST_POSTGRES</c>) for one test, dropped with
/// everything in it when disposed: give it to <c>UsePostgresStore</c> as the schema, and tests never see each other's rows.
/// </summary>
public sealed class PostgresSchemaScope : IAsyncDisposable
{
    /// <summary>The environment variable that names the test server.</summary>
    public const string Variable = "BATON_TEST_POSTGRES";

    private PostgresSchemaScope(string schema)
    {
        Schema = schema;
    }

    /// <summary>The test server's connection string, or null when there is none.</summary>
    public static string? ConnectionString => Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } value ? value : null;

    /// <summary>Why a PostgreSQL test is skipped when there is no server.</summary>
    public const string SkipReason = "No PostgreSQL server: run ./test.sh, which starts one, or set " + Variable + " to an Npgsql connection string.";

    /// <summary>The schema's name, new for each scope.</summary>
    public string Schema { get; }

    /// <summary>A new, unique schema name; the schema itself is created by the first store that opens it.</summary>
    public static PostgresSchemaScope Create() =>
        new("t_" + Guid.NewGuid().ToString("N")[..16]);

    /// <summary>Drops the schema and everything in it.</summary>
    public async ValueTask DisposeAsync()
    {
        // Cleared first: pooled connections of the disposed stores still name the schema in their search path.
        await using var connection = new NpgsqlConnection(ConnectionString + ";Pooling=false");
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"DROP SCHEMA IF EXISTS \"{Schema}\" CASCADE", connection);
        await command.ExecuteNonQueryAsync();
    }
}
