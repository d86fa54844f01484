using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Baton.Silo.Storage.Sqlite;

/// <summary>The SQLite schema and the checks that a file holds it. Times are UTC ticks; history events and payloads are JSON text.</summary>
internal static class SqliteSchema
{
    public const string Application = "baton";
    public const int Version = 1;

    public const string Create = """
        CREATE TABLE baton_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
        CREATE TABLE instances (
            instance_id  TEXT PRIMARY KEY,
            partition    INTEGER NOT NULL,
            name         TEXT NOT NULL,
            status       INTEGER NOT NULL,
            created_at   INTEGER NOT NULL,
            updated_at   INTEGER NOT NULL,
            completed_at INTEGER,
            input        TEXT,
            output       TEXT,
            failure      TEXT);
        CREATE INDEX ix_instances_created ON instances (created_at DESC, instance_id DESC);
        CREATE TABLE history (
            instance_id TEXT NOT NULL,
            position    INTEGER NOT NULL,
            event       TEXT NOT NULL,
            PRIMARY KEY (instance_id, position)) WITHOUT ROWID;
        CREATE TABLE messages (
            id          INTEGER PRIMARY KEY AUTOINCREMENT,
            partition   INTEGER NOT NULL,
            instance_id TEXT NOT NULL,
            visible_at  INTEGER NOT NULL,
            body        TEXT NOT NULL);
        CREATE INDEX ix_messages_due ON messages (partition, visible_at);
        CREATE TABLE work_items (
            instance_id TEXT NOT NULL,
            step_id     INTEGER NOT NULL,
            partition   INTEGER NOT NULL,
            queue       TEXT NOT NULL,
            name        TEXT NOT NULL,
            input       TEXT,
            lease_owner TEXT,
            deliveries  INTEGER NOT NULL,
            created_at  INTEGER NOT NULL,
            PRIMARY KEY (instance_id, step_id)) WITHOUT ROWID;
        CREATE INDEX ix_work_items_queue ON work_items (queue, lease_owner);
        CREATE TABLE partitions (
            partition   INTEGER PRIMARY KEY,
            owner       TEXT,
            epoch       INTEGER NOT NULL,
            lease_until INTEGER NOT NULL);
        CREATE TABLE silos (
            silo_id      TEXT PRIMARY KEY,
            host         TEXT NOT NULL,
            process_id   INTEGER NOT NULL,
            started_at   INTEGER NOT NULL,
            heartbeat_at INTEGER NOT NULL,
            active       INTEGER NOT NULL);
        """;

    /// <summary>Creates the schema in an empty file, or checks that the file is Baton's, at this version, with this partition count.</summary>
    /// <exception cref="StoreIncompatibleException">The file belongs to another program or was made differently.</exception>
    public static void Ensure(SqliteConnection connection, string location, int partitionCount)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT name FROM sqlite_master WHERE type = 'table'";
        var tables = new HashSet<string>(StringComparer.Ordinal);
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                tables.Add(reader.GetString(0));
            }
        }

        if (tables.Count == 0)
        {
            CreateSchema(connection, partitionCount);
            return;
        }

        if (!tables.Contains("baton_meta"))
        {
            throw new StoreIncompatibleException(location, $"the file is a SQLite database of another program (it has tables {string.Join(", ", tables.Take(5))}, but no baton_meta).");
        }

        var meta = new Dictionary<string, string>(StringComparer.Ordinal);
        command.CommandText = "SELECT key, value FROM baton_meta";
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                meta[reader.GetString(0)] = reader.GetString(1);
            }
        }

        if (!meta.TryGetValue("application", out var application) || application != Application)
        {
            throw new StoreIncompatibleException(location, "the file's baton_meta table does not name Baton as its application.");
        }

        if (!meta.TryGetValue("schema_version", out var version) || version != Version.ToString(CultureInfo.InvariantCulture))
        {
            throw new StoreIncompatibleException(location, $"the schema version is {version ?? "missing"}; this build of Baton uses version {Version}.");
        }

        if (!meta.TryGetValue("partition_count", out var count) || count != partitionCount.ToString(CultureInfo.InvariantCulture))
        {
            throw new StoreIncompatibleException(location, $"the store was created with {count ?? "an unknown number of"} partitions, but BatonOptions.PartitionCount is {partitionCount}; the partition count of a store cannot change.");
        }
    }

    private static void CreateSchema(SqliteConnection connection, int partitionCount)
    {
        using var transaction = connection.BeginTransaction();
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = SqliteSchema.Create;
        command.ExecuteNonQuery();

        command.CommandText = "INSERT INTO baton_meta (key, value) VALUES ('application', $app), ('schema_version', $version), ('partition_count', $count)";
        command.Parameters.AddWithValue("$app", Application);
        command.Parameters.AddWithValue("$version", Version.ToString(CultureInfo.InvariantCulture));
        command.Parameters.AddWithValue("$count", partitionCount.ToString(CultureInfo.InvariantCulture));
        command.ExecuteNonQuery();

        command.Parameters.Clear();
        command.CommandText = "INSERT INTO partitions (partition, owner, epoch, lease_until) VALUES ($p, NULL, 0, 0)";
        var p = command.Parameters.Add("$p", SqliteType.Integer);
        for (var i = 0; i < partitionCount; i++)
        {
            p.Value = i;
            command.ExecuteNonQuery();
        }

        transaction.Commit();
    }
}
