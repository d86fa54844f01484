namespace Baton.Silo.Storage.Sqlite;

/// <summary>The SQLite schema. Times are UTC ticks; history events and payloads are JSON text.</summary>
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
}
