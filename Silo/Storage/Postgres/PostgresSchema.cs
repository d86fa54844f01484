using System.Globalization;
using Npgsql;

namespace Baton.Silo.Storage.Postgres;

/// <summary>
/// The PostgreSQL schema and the checks that a schema holds it. Times are UTC ticks (as in the SQLite store, so that
/// continuation tokens and comparisons are exact); history events and payloads are JSON text; ids sort bytewise
/// (<c>COLLATE "C"</c>), so that an id-prefix filter is an index range.
/// </summary>
internal static class PostgresSchema
{
    public const string Application = "baton";
    public const int Version = 1;

    /// <summary>The SQLSTATE <c>baton_require</c> raises when a commit's revision moved on (another activation committed).</summary>
    public const string ConflictState = "BT001";

    /// <summary>The SQLSTATE <c>baton_require</c> raises when a start finds its instance id taken.</summary>
    public const string ExistsState = "BT002";

    /// <summary>
    /// The tables. Status events are numbered in commit order: a trigger takes a transaction lock before it draws the
    /// next number, so a transaction that numbers an event commits before any later number is drawn. A reader following
    /// the log by number therefore never sees a number after one that appears later (which plain sequences allow when
    /// several silos commit at once).
    /// </summary>
    private const string Create = """
        CREATE TABLE baton_meta (key text PRIMARY KEY, value text NOT NULL);
        CREATE TABLE instances (
            instance_id  text COLLATE "C" PRIMARY KEY,
            name         text NOT NULL,
            status       integer NOT NULL,
            created_at   bigint NOT NULL,
            updated_at   bigint NOT NULL,
            completed_at bigint,
            input        text,
            output       text,
            failure      text,
            version      integer NOT NULL,
            parent_instance_id text,
            custom_status text,
            status_reason text,
            revision     bigint NOT NULL DEFAULT 0,
            owner        text);
        CREATE INDEX ix_instances_created ON instances (created_at DESC, instance_id DESC);
        CREATE INDEX ix_instances_name ON instances (name, created_at DESC, instance_id DESC);
        CREATE INDEX ix_instances_status ON instances (status, created_at DESC, instance_id DESC);
        CREATE INDEX ix_instances_owner ON instances (owner) WHERE owner IS NOT NULL;
        CREATE TABLE history (
            instance_id text COLLATE "C" NOT NULL,
            position    integer NOT NULL,
            event       text NOT NULL,
            PRIMARY KEY (instance_id, position));
        CREATE TABLE messages (
            id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            instance_id text COLLATE "C" NOT NULL,
            visible_at  bigint NOT NULL,
            body        text NOT NULL,
            step_id     integer);
        CREATE INDEX ix_messages_instance ON messages (instance_id, step_id);
        CREATE INDEX ix_messages_visible ON messages (visible_at);
        CREATE TABLE work_items (
            instance_id text COLLATE "C" NOT NULL,
            step_id     integer NOT NULL,
            queue       text NOT NULL,
            name        text NOT NULL,
            input       text,
            lease_owner text,
            deliveries  integer NOT NULL,
            created_at  bigint NOT NULL,
            start_to_close_ms bigint,
            heartbeat_ms bigint,
            PRIMARY KEY (instance_id, step_id));
        CREATE INDEX ix_work_items_queue ON work_items (queue, lease_owner);
        CREATE TABLE callbacks (
            token_id    text PRIMARY KEY,
            instance_id text COLLATE "C" NOT NULL,
            step_id     integer NOT NULL,
            used        boolean NOT NULL);
        CREATE INDEX ix_callbacks_instance ON callbacks (instance_id, step_id);
        CREATE TABLE payloads (
            instance_id text COLLATE "C" NOT NULL,
            hash        text NOT NULL,
            data        text NOT NULL,
            PRIMARY KEY (instance_id, hash));
        CREATE TABLE reminders (
            grain_id    text NOT NULL,
            name        text NOT NULL,
            grain_hash  bigint NOT NULL,
            start_at    bigint NOT NULL,
            period_ms   bigint NOT NULL,
            etag        bigint NOT NULL,
            PRIMARY KEY (grain_id, name));
        CREATE INDEX ix_reminders_hash ON reminders (grain_hash);
        CREATE SEQUENCE status_event_seq;
        CREATE TABLE status_events (
            seq             bigint PRIMARY KEY,
            instance_id     text NOT NULL,
            name            text NOT NULL,
            status          integer NOT NULL,
            previous_status integer,
            at              bigint NOT NULL,
            reason          text);
        CREATE TABLE event_cursors (subscriber text PRIMARY KEY, seq bigint NOT NULL);
        CREATE FUNCTION baton_require(ok boolean, code text, message text) RETURNS void LANGUAGE plpgsql AS $body$
        BEGIN
            IF NOT ok THEN
                RAISE EXCEPTION USING ERRCODE = code, MESSAGE = message;
            END IF;
        END $body$;
        CREATE TABLE membership_version (
            cluster_id text PRIMARY KEY,
            version    integer NOT NULL,
            etag       bigint NOT NULL);
        CREATE TABLE membership (
            cluster_id    text NOT NULL,
            address       text NOT NULL,
            silo_name     text NOT NULL,
            host_name     text NOT NULL,
            status        integer NOT NULL,
            proxy_port    integer NOT NULL,
            suspect_times text,
            start_time    bigint NOT NULL,
            i_am_alive    bigint NOT NULL,
            etag          bigint NOT NULL,
            PRIMARY KEY (cluster_id, address));
        """;

    private const string Triggers = """
        CREATE TRIGGER tr_status_events_number BEFORE INSERT ON status_events FOR EACH ROW EXECUTE FUNCTION number_status_event();
        CREATE TRIGGER tr_instances_created AFTER INSERT ON instances FOR EACH ROW EXECUTE FUNCTION log_instance_created();
        """;

    /// <summary>Creates the schema when it is missing, or checks that it is Baton's, at this version.</summary>
    /// <exception cref="StoreIncompatibleException">The schema belongs to another program or was made by another version.</exception>
    /// <returns>The cluster's callback secret.</returns>
    public static byte[] Ensure(NpgsqlConnection connection, string schema, string location)
    {
        using var transaction = connection.BeginTransaction();
        // Silos starting together on an empty database create the schema once: the others wait here and then find it made.
        Run(connection, "SELECT pg_advisory_xact_lock(hashtext($1))", "baton-schema:" + schema);
        Run(connection, $"CREATE SCHEMA IF NOT EXISTS {Quote(schema)}");
        var tables = new HashSet<string>(StringComparer.Ordinal);
        using (var command = new NpgsqlCommand("SELECT table_name FROM information_schema.tables WHERE table_schema = $1", connection))
        {
            command.Parameters.Add(new NpgsqlParameter { Value = schema });
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                tables.Add(reader.GetString(0));
            }
        }

        var created = tables.Count == 0;
        if (created)
        {
            Run(connection, $"SET LOCAL search_path TO {Quote(schema)}");
            Run(connection, Create);
            Run(connection, TriggerFunctions(schema));
            Run(connection, Triggers);
            Run(connection, "INSERT INTO baton_meta (key, value) VALUES ('application', $1), ('schema_version', $2), ('callback_secret', $3)",
                Application, Version.ToString(CultureInfo.InvariantCulture), Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)));
        }
        else if (!tables.Contains("baton_meta"))
        {
            throw new StoreIncompatibleException(location, $"the schema '{schema}' belongs to another program (it has tables {string.Join(", ", tables.Take(5))}, but no baton_meta).");
        }

        var meta = new Dictionary<string, string>(StringComparer.Ordinal);
        using (var command = new NpgsqlCommand($"SELECT key, value FROM {Quote(schema)}.baton_meta", connection))
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                meta[reader.GetString(0)] = reader.GetString(1);
            }
        }

        transaction.Commit();
        if (!meta.TryGetValue("application", out var application) || application != Application)
        {
            throw new StoreIncompatibleException(location, $"the baton_meta table of schema '{schema}' does not name Baton as its application.");
        }

        meta.TryGetValue("schema_version", out var version);
        if (version != Version.ToString(CultureInfo.InvariantCulture))
        {
            throw new StoreIncompatibleException(location, $"the schema version is {version ?? "missing"}; this build of Baton uses version {Version}.");
        }

        if (!created)
        {
            RefreshTriggerFunctions(connection, schema);
        }

        return meta.TryGetValue("callback_secret", out var secret)
            ? Convert.FromBase64String(secret)
            : throw new StoreIncompatibleException(location, "the baton_meta table has no callback_secret.");
    }

    /// <summary>
    /// The trigger functions, written for the one schema they serve: plain statements, which PL/pgSQL plans once per
    /// session, where a statement built from the trigger's schema at each row (<c>EXECUTE format(…)</c>) was parsed and
    /// planned again for every instance created. The advisory lock's key is the one earlier builds took, so that silos
    /// of both kinds number events in one order while a cluster is upgraded.
    /// </summary>
    private static string TriggerFunctions(string schema)
    {
        var table = Quote(schema);
        static string Literal(string text) => "'" + text.Replace("'", "''", StringComparison.Ordinal) + "'";
        return $$"""
            CREATE OR REPLACE FUNCTION {{table}}.number_status_event() RETURNS trigger LANGUAGE plpgsql AS $body$
            BEGIN
                PERFORM pg_advisory_xact_lock(hashtext({{Literal(schema + ".status_events")}}));
                NEW.seq := nextval({{Literal(table + ".status_event_seq")}}::regclass);
                RETURN NEW;
            END $body$;
            CREATE OR REPLACE FUNCTION {{table}}.log_instance_created() RETURNS trigger LANGUAGE plpgsql AS $body$
            BEGIN
                INSERT INTO {{table}}.status_events (instance_id, name, status, previous_status, at, reason)
                VALUES (NEW.instance_id, NEW.name, NEW.status, NULL, NEW.updated_at, NEW.status_reason);
                RETURN NULL;
            END $body$;
            """;
    }

    /// <summary>
    /// Replaces the trigger functions of a schema made by an earlier build with this build's (the same behaviour, written
    /// per schema); silos starting together take turns.
    /// </summary>
    private static void RefreshTriggerFunctions(NpgsqlConnection connection, string schema)
    {
        using var transaction = connection.BeginTransaction();
        Run(connection, "SELECT pg_advisory_xact_lock(hashtext($1))", "baton-schema:" + schema);
        Run(connection, TriggerFunctions(schema));
        transaction.Commit();
    }

    /// <summary>An identifier quoted for PostgreSQL.</summary>
    public static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    private static void Run(NpgsqlConnection connection, string sql, params object[] values)
    {
        using var command = new NpgsqlCommand(sql, connection);
        foreach (var value in values)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value });
        }

        command.ExecuteNonQuery();
    }
}
