using Baton.Samples;
using Baton.Silo.Hosting;
using Baton.TestingHost;
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
    public async Task Start_FileOfSchemaVersion4_IsMigratedAndItsInstancesGoOn()
    {
        var path = TestSilo.NewDatabasePath();
        Action<BatonBuilder> gpu = b => b.AddWorkflow<GpuWorkflow>().AddActivity<WhereAmI>();
        string done, approval, waitingForGpu;
        await using (var first = await BatonTestCluster.StartAsync(TestSilo.Options(path, register: gpu)))
        {
            done = await first.Client.StartAsync(nameof(GreetingChain), new[] { "A", "B" });
            await first.Client.WaitForCompletionAsync(done, TimeSpan.FromSeconds(30));
            approval = await first.Client.StartAsync(nameof(OrderApproval), new OrderRequest { CustomerEmail = "a@example.com", Amount = 5000m, Lines = [new OrderLine { Sku = "x", Quantity = 1 }] });
            await first.WaitForStatusAsync(approval, WorkflowRuntimeStatus.Running);
            // No silo serves "gpu": the work item stays in the file.
            waitingForGpu = await first.Client.StartAsync(nameof(GpuWorkflow), "tensor");
            await Eventually.WaitUntil(async () => await Db.CountAsync(path, "work_items", waitingForGpu) == 1);
        }

        await RewriteAsVersion4(path);
        Assert.Equal(1, await Db.ScalarAsync(path, "SELECT count(*) FROM work_items WHERE instance_id = $id", waitingForGpu));
        var logged = await Db.ScalarAsync(path, "SELECT count(*) FROM status_events", "");

        await using var second = await BatonTestCluster.StartAsync(TestSilo.Options(path, register: gpu));

        Assert.Equal(5, await Db.ScalarAsync(path, "SELECT value FROM baton_meta WHERE key = 'schema_version'", ""));
        // The copied rows are not creations: the status log has no new entry for them (no instance changed status yet).
        Assert.Equal(logged, await Db.ScalarAsync(path, "SELECT count(*) FROM status_events", ""));
        // The numbers are the version 4 rowids (the rewrite put them 100 up), so the order of creation is kept.
        Assert.Equal(101, await Db.ScalarAsync(path, "SELECT number FROM instances WHERE instance_id = $id", done));
        var status = (await second.Client.GetStatusAsync(done, includeHistory: true))!;
        Assert.Equal("Hello, A! Hello, B!", status.ReadOutput<string>());
        Assert.Equal(6, status.History!.Count);

        var silo = await second.AddSiloAsync(o => o.ActivityQueues = ["default", "gpu"]);
        Assert.Equal(silo.Address.ToString(), (await second.WaitForStatusAsync(waitingForGpu, WorkflowRuntimeStatus.Completed)).ReadOutput<string>());
        await second.Client.RaiseEventAsync(approval, "approval", new ApprovalDecision(true, "ann"));
        Assert.Equal(WorkflowRuntimeStatus.Completed, (await second.WaitForStatusAsync(approval, WorkflowRuntimeStatus.Completed)).RuntimeStatus);

        var fresh = await second.Client.StartAsync(nameof(GreetingChain), new[] { "C" });
        await second.Client.WaitForCompletionAsync(fresh, TimeSpan.FromSeconds(30));
        Assert.True(await Db.ScalarAsync(path, "SELECT number FROM instances WHERE instance_id = $id", fresh) > 103);
    }

    /// <summary>
    /// Rewrites a file of this build in the layout of schema version 4 (the first build on Orleans): instances keyed by their
    /// id with an implicit rowid, history and work items keyed by the instance id. The tables below are version 4's, as it
    /// created them.
    /// </summary>
    private static async Task RewriteAsVersion4(string path)
    {
        await using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = """
            BEGIN;
            DROP TRIGGER tr_instances_created;
            DROP INDEX ix_instances_created;
            DROP INDEX ix_instances_owner;
            DROP INDEX ix_work_items_queue;
            ALTER TABLE instances RENAME TO instances_v5;
            ALTER TABLE history RENAME TO history_v5;
            ALTER TABLE work_items RENAME TO work_items_v5;
            CREATE TABLE instances (
                instance_id  TEXT PRIMARY KEY,
                name         TEXT NOT NULL,
                status       INTEGER NOT NULL,
                created_at   INTEGER NOT NULL,
                updated_at   INTEGER NOT NULL,
                completed_at INTEGER,
                input        TEXT,
                output       TEXT,
                failure      TEXT,
                version      INTEGER NOT NULL,
                parent_instance_id TEXT,
                custom_status TEXT,
                status_reason TEXT,
                revision     INTEGER NOT NULL DEFAULT 0,
                owner        TEXT);
            CREATE INDEX ix_instances_created ON instances (created_at DESC, instance_id DESC);
            CREATE INDEX ix_instances_owner ON instances (owner) WHERE owner IS NOT NULL;
            CREATE TABLE history (
                instance_id TEXT NOT NULL,
                position    INTEGER NOT NULL,
                event       TEXT NOT NULL,
                PRIMARY KEY (instance_id, position)) WITHOUT ROWID;
            CREATE TABLE work_items (
                instance_id TEXT NOT NULL,
                step_id     INTEGER NOT NULL,
                queue       TEXT NOT NULL,
                name        TEXT NOT NULL,
                input       TEXT,
                lease_owner TEXT,
                deliveries  INTEGER NOT NULL,
                created_at  INTEGER NOT NULL,
                start_to_close_ms INTEGER,
                heartbeat_ms INTEGER,
                PRIMARY KEY (instance_id, step_id)) WITHOUT ROWID;
            CREATE INDEX ix_work_items_queue ON work_items (queue, lease_owner);
            INSERT INTO instances (rowid, instance_id, name, status, created_at, updated_at, completed_at, input, output, failure,
                                   version, parent_instance_id, custom_status, status_reason, revision, owner)
            SELECT number + 100, instance_id, name, status, created_at, updated_at, completed_at, input, output, failure,
                   version, parent_instance_id, custom_status, status_reason, revision, owner
            FROM instances_v5;
            INSERT INTO history SELECT i.instance_id, h.position, h.event FROM history_v5 h JOIN instances_v5 i ON i.number = h.instance_number;
            INSERT INTO work_items SELECT instance_id, step_id, queue, name, input, lease_owner, deliveries, created_at, start_to_close_ms, heartbeat_ms FROM work_items_v5;
            DROP TABLE instances_v5;
            DROP TABLE history_v5;
            DROP TABLE work_items_v5;
            CREATE TRIGGER tr_instances_created AFTER INSERT ON instances BEGIN
                INSERT INTO status_events (instance_id, name, status, previous_status, at, reason)
                VALUES (NEW.instance_id, NEW.name, NEW.status, NULL, NEW.updated_at, NEW.status_reason);
            END;
            UPDATE baton_meta SET value = '4' WHERE key = 'schema_version';
            COMMIT;
            """;
        await command.ExecuteNonQueryAsync();
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
