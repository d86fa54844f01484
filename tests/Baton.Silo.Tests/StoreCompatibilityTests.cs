using Baton.Samples;
using Microsoft.Data.Sqlite;

namespace Baton.Silo.Tests;

public sealed class StoreCompatibilityTests
{
    [Fact]
    public async Task Start_FileIsNotADatabase_ThrowsStoreIncompatible()
    {
        var path = TestSilo.NewDatabasePath();
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await File.WriteAllBytesAsync(path, Enumerable.Range(0, 8192).Select(i => (byte)(i * 31 % 251)).ToArray());

        var ex = await Assert.ThrowsAsync<StoreIncompatibleException>(() => TestSilo.StartAsync(path));

        Assert.Contains("not a SQLite database", ex.Message);
        Assert.Equal(Path.GetFullPath(path), ex.Location);
    }

    [Fact]
    public async Task Start_DatabaseOfAnotherProgram_ThrowsStoreIncompatible()
    {
        var path = TestSilo.NewDatabasePath();
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await using (var connection = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = "CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT)";
            await command.ExecuteNonQueryAsync();
        }

        var ex = await Assert.ThrowsAsync<StoreIncompatibleException>(() => TestSilo.StartAsync(path));

        Assert.Contains("another program", ex.Message);
        Assert.Contains("customers", ex.Message);
    }

    [Fact]
    public async Task Start_FileOfThePartitionedRuntime_IsRefusedWithWhatToDo()
    {
        var path = TestSilo.NewDatabasePath();
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await using (var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={path}"))
        {
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = """
                CREATE TABLE baton_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
                INSERT INTO baton_meta VALUES ('application', 'baton'), ('schema_version', '3'), ('partition_count', '16');
                """;
            await command.ExecuteNonQueryAsync();
        }

        var ex = await Assert.ThrowsAsync<StoreIncompatibleException>(() => TestSilo.StartAsync(path));

        Assert.Contains("schema version 3", ex.Message);
        Assert.Contains("delete the file", ex.Message);
    }

    [Fact]
    public async Task Start_InvalidOption_ThrowsNamingTheOption()
    {
        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => TestSilo.StartAsync(options: o => o.MaxConcurrentActivities = 0));

        Assert.Contains("BatonOptions.MaxConcurrentActivities", ex.Message);
    }

    [Fact]
    public async Task Restart_SameFile_KeepsInstancesAndHistory()
    {
        var path = TestSilo.NewDatabasePath();
        string id;
        await using (var first = await TestSilo.StartAsync(path))
        {
            id = await first.Client.StartAsync(nameof(GreetingChain), new[] { "A", "B" });
            await first.Client.WaitForCompletionAsync(id, TimeSpan.FromSeconds(30));
        }

        await using var second = await TestSilo.StartAsync(path);
        var status = await second.Client.GetStatusAsync(id, includeHistory: true);

        Assert.NotNull(status);
        Assert.Equal("Hello, A! Hello, B!", status.ReadOutput<string>());
        Assert.Equal(6, status.History!.Count);
    }
}
