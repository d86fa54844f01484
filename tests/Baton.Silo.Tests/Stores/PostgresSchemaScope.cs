using Npgsql;

namespace Baton.Silo.Tests.Stores;

/// <summary>A schema of its own on the test PostgreSQL server for one test, dropped with everything in it when disposed.</summary>
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

    public static PostgresSchemaScope Create() =>
        new("t_" + Guid.NewGuid().ToString("N")[..16]);

    public async ValueTask DisposeAsync()
    {
        // Cleared first: pooled connections of the disposed stores still name the schema in their search path.
        await using var connection = new NpgsqlConnection(ConnectionString + ";Pooling=false");
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"DROP SCHEMA IF EXISTS \"{Schema}\" CASCADE", connection);
        await command.ExecuteNonQueryAsync();
    }
}
