using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Baton.Silo.Storage.Sqlite;

/// <summary>The SQLite schema and the checks that a file holds it. Times are UTC ticks; history events and payloads are JSON text.</summary>
internal static class SqliteSchema
{
    public const string Application = "baton";
    public const int Version = 5;

    public const string Create = """
        CREATE TABLE baton_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
        """ + InstancesAndSteps + """
        CREATE TABLE messages (
            id          INTEGER PRIMARY KEY AUTOINCREMENT,
            instance_id TEXT NOT NULL,
            visible_at  INTEGER NOT NULL,
            body        TEXT NOT NULL,
            step_id     INTEGER);
        CREATE INDEX ix_messages_instance ON messages (instance_id, step_id);
        CREATE INDEX ix_messages_visible ON messages (visible_at);
        CREATE TABLE callbacks (
            token_id    TEXT PRIMARY KEY,
            instance_id TEXT NOT NULL,
            step_id     INTEGER NOT NULL,
            used        INTEGER NOT NULL) WITHOUT ROWID;
        CREATE INDEX ix_callbacks_instance ON callbacks (instance_id, step_id);
        CREATE TABLE payloads (
            instance_id TEXT NOT NULL,
            hash        TEXT NOT NULL,
            data        TEXT NOT NULL,
            PRIMARY KEY (instance_id, hash)) WITHOUT ROWID;
        CREATE TABLE reminders (
            grain_id    TEXT NOT NULL,
            name        TEXT NOT NULL,
            grain_hash  INTEGER NOT NULL,
            start_at    INTEGER NOT NULL,
            period_ms   INTEGER NOT NULL,
            etag        INTEGER NOT NULL,
            PRIMARY KEY (grain_id, name)) WITHOUT ROWID;
        CREATE INDEX ix_reminders_hash ON reminders (grain_hash);
        """ + StatusEvents + InstanceCreatedTrigger;

    /// <summary>
    /// Version 5's change: an instance has a number, given in creation order, and its history and work items are keyed by
    /// it rather than by its id. A B-tree keyed by a random id (a GUID a caller chose) puts every instance's rows on pages of
    /// their own, so each group commit wrote about a page per turn per table; keyed by number, the instances running at one
    /// time share the last pages, whatever their ids. The number is the rowid (an alias, so that VACUUM keeps it); a purged
    /// instance's number may be given again, and its rows are deleted in the same transaction as the instance.
    /// </summary>
    private const string InstancesAndSteps = """
        CREATE TABLE instances (
            number       INTEGER PRIMARY KEY,
            instance_id  TEXT NOT NULL UNIQUE,
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
            instance_number INTEGER NOT NULL,
            position    INTEGER NOT NULL,
            event       TEXT NOT NULL,
            PRIMARY KEY (instance_number, position)) WITHOUT ROWID;
        CREATE TABLE work_items (
            instance_number INTEGER NOT NULL,
            step_id     INTEGER NOT NULL,
            instance_id TEXT NOT NULL,
            queue       TEXT NOT NULL,
            name        TEXT NOT NULL,
            input       TEXT,
            lease_owner TEXT,
            deliveries  INTEGER NOT NULL,
            created_at  INTEGER NOT NULL,
            start_to_close_ms INTEGER,
            heartbeat_ms INTEGER,
            PRIMARY KEY (instance_number, step_id)) WITHOUT ROWID;
        CREATE INDEX ix_work_items_queue ON work_items (queue, lease_owner);

        """;

    /// <summary>
    /// Moves a version 4 file to version 5 in the caller's transaction: the instances table gains its number (the rowid it
    /// had), and history and work items are copied under it. The tables are renamed, not altered in place: SQLite cannot add
    /// a rowid alias to a table.
    /// </summary>
    private const string MigrateFrom4 = """
        DROP TRIGGER tr_instances_created;
        DROP INDEX ix_instances_created;
        DROP INDEX ix_instances_owner;
        DROP INDEX ix_work_items_queue;
        ALTER TABLE instances RENAME TO instances_v4;
        ALTER TABLE history RENAME TO history_v4;
        ALTER TABLE work_items RENAME TO work_items_v4;
        """ + InstancesAndSteps + """
        INSERT INTO instances (number, instance_id, name, status, created_at, updated_at, completed_at, input, output, failure,
                               version, parent_instance_id, custom_status, status_reason, revision, owner)
        SELECT rowid, instance_id, name, status, created_at, updated_at, completed_at, input, output, failure,
               version, parent_instance_id, custom_status, status_reason, revision, owner
        FROM instances_v4 ORDER BY rowid;
        INSERT INTO history (instance_number, position, event)
        SELECT i.number, h.position, h.event FROM history_v4 h JOIN instances i ON i.instance_id = h.instance_id;
        INSERT INTO work_items (instance_number, step_id, instance_id, queue, name, input, lease_owner, deliveries, created_at,
                                start_to_close_ms, heartbeat_ms)
        SELECT i.number, w.step_id, w.instance_id, w.queue, w.name, w.input, w.lease_owner, w.deliveries, w.created_at,
               w.start_to_close_ms, w.heartbeat_ms
        FROM work_items_v4 w JOIN instances i ON i.instance_id = w.instance_id;
        DROP TABLE instances_v4;
        DROP TABLE history_v4;
        DROP TABLE work_items_v4;
        CREATE INDEX IF NOT EXISTS ix_messages_visible ON messages (visible_at);
        """ + InstanceCreatedTrigger + """
        UPDATE baton_meta SET value = '5' WHERE key = 'schema_version';
        """;

    /// <summary>
    /// Version 3's addition: every change of an instance's runtime status appends a row to <c>status_events</c> in the same
    /// transaction as the change. Creations are logged by a trigger, whichever of the several insert paths made them; status
    /// changes by the turn commit, the only statement that updates a status (an update trigger cost a fifth of commit
    /// throughput). Server-sent events and webhooks read this log; <c>event_cursors</c> records each webhook's progress.
    /// </summary>
    private const string StatusEvents = """
        CREATE TABLE status_events (
            seq             INTEGER PRIMARY KEY,
            instance_id     TEXT NOT NULL,
            name            TEXT NOT NULL,
            status          INTEGER NOT NULL,
            previous_status INTEGER,
            at              INTEGER NOT NULL,
            reason          TEXT);
        CREATE TABLE event_cursors (subscriber TEXT PRIMARY KEY, seq INTEGER NOT NULL) WITHOUT ROWID;

        """;

    /// <summary>Logs each instance's creation in <c>status_events</c>, whichever insert made it.</summary>
    private const string InstanceCreatedTrigger = """
        CREATE TRIGGER tr_instances_created AFTER INSERT ON instances BEGIN
            INSERT INTO status_events (instance_id, name, status, previous_status, at, reason)
            VALUES (NEW.instance_id, NEW.name, NEW.status, NULL, NEW.updated_at, NEW.status_reason);
        END;

        """;

    /// <summary>Creates the schema in an empty file, or checks that the file is Baton's, at this version.</summary>
    /// <exception cref="StoreIncompatibleException">The file belongs to another program or was made differently.</exception>
    /// <returns>The cluster's callback secret.</returns>
    public static byte[] Ensure(SqliteConnection connection, string location)
    {
        // An immediate transaction takes the write lock before the first read: silos that open a new file at the same
        // time create its schema once, and the others find it made.
        using var transaction = connection.BeginTransaction();
        var secret = Ensure(connection, transaction, location);
        transaction.Commit();
        return secret;
    }

    private static byte[] Ensure(SqliteConnection connection, SqliteTransaction transaction, string location)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
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
            CreateSchema(connection, transaction);
            return ReadSecret(connection, transaction, location);
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

        meta.TryGetValue("schema_version", out var version);
        if (version is "2" or "3")
        {
            throw new StoreIncompatibleException(location, $"the file was made by Baton before it ran on Orleans (schema version {version}), with partitions and leases that Orleans replaced; this build uses version {Version} and does not migrate it. Let its instances finish on the build that made it, or delete the file to start over.");
        }

        if (version == "4")
        {
            // A file of the first Orleans build: migrated here, under the transaction's write lock, once for all silos.
            command.CommandText = MigrateFrom4;
            command.ExecuteNonQuery();
            version = Version.ToString(CultureInfo.InvariantCulture);
        }

        if (version != Version.ToString(CultureInfo.InvariantCulture))
        {
            throw new StoreIncompatibleException(location, $"the schema version is {version ?? "missing"}; this build of Baton uses version {Version}.");
        }

        return ReadSecret(connection, transaction, location);
    }

    private static byte[] ReadSecret(SqliteConnection connection, SqliteTransaction transaction, string location)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "SELECT value FROM baton_meta WHERE key = 'callback_secret'";
        return command.ExecuteScalar() is string secret
            ? Convert.FromBase64String(secret)
            : throw new StoreIncompatibleException(location, "the baton_meta table has no callback_secret.");
    }

    private static void CreateSchema(SqliteConnection connection, SqliteTransaction transaction)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = SqliteSchema.Create;
        command.ExecuteNonQuery();

        command.CommandText = """
            INSERT INTO baton_meta (key, value)
            VALUES ('application', $app), ('schema_version', $version), ('callback_secret', $secret)
            """;
        command.Parameters.AddWithValue("$secret", Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)));
        command.Parameters.AddWithValue("$app", Application);
        command.Parameters.AddWithValue("$version", Version.ToString(CultureInfo.InvariantCulture));
        command.ExecuteNonQuery();
    }
}
