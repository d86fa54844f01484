using Microsoft.Data.Sqlite;

namespace Baton.Silo.Tests;

/// <summary>Reads a silo's SQLite file directly, to check what is (and is not) stored.</summary>
internal static class Db
{
    public static async Task<long> CountAsync(string path, string table, string instanceId, string? extraCondition = null)
    {
        await using var connection = new SqliteConnection($"Data Source={path};Mode=ReadOnly;Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        // History and work items are keyed by the instance's number (schema version 5), the other tables by its id.
        var instance = table is "history" or "work_items" ? "instance_number = (SELECT number FROM instances WHERE instance_id = $id)" : "instance_id = $id";
        command.CommandText = $"SELECT count(*) FROM {table} WHERE {instance} {(extraCondition is null ? "" : "AND " + extraCondition)}";
        command.Parameters.AddWithValue("$id", instanceId);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    public static async Task<long> ScalarAsync(string path, string sql, string instanceId)
    {
        await using var connection = new SqliteConnection($"Data Source={path};Mode=ReadOnly;Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Parameters.AddWithValue("$id", instanceId);
        return Convert.ToInt64(await command.ExecuteScalarAsync() ?? 0L, System.Globalization.CultureInfo.InvariantCulture);
    }
}
