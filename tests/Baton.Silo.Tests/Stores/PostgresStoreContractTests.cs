using Baton.TestingHost;
using Baton.Grains.Storage;
using Baton.Silo.Storage.Postgres;
using Orleans;

namespace Baton.Silo.Tests.Stores;

/// <summary>The store contract on PostgreSQL, each test in a schema of its own on the server <c>./test.sh</c> starts.</summary>
public sealed class PostgresStoreContractTests : StoreContract
{
    private readonly PostgresSchemaScope _schema = PostgresSchemaScope.Create();

    private protected override IWorkflowStore CreateStore()
    {
        Skip.If(PostgresSchemaScope.ConnectionString is null, PostgresSchemaScope.SkipReason);
        return new PostgresWorkflowStore(new PostgresStoreOptions { ConnectionString = PostgresSchemaScope.ConnectionString!, Schema = _schema.Schema }, PayloadThreshold);
    }

    [SkippableFact]
    public async Task ASchemaMadeByAnEarlierBuild_GetsThisBuildsTriggerFunctions_AndStillLogsCreations()
    {
        var first = await OpenAsync();
        await using (var data = Npgsql.NpgsqlDataSource.Create(PostgresSchemaScope.ConnectionString!))
        await using (var old = data.CreateCommand($$"""
            CREATE OR REPLACE FUNCTION "{{_schema.Schema}}".log_instance_created() RETURNS trigger LANGUAGE plpgsql AS $body$
            BEGIN
                EXECUTE format('INSERT INTO %I.status_events (instance_id, name, status, previous_status, at, reason) VALUES ($1, $2, $3, NULL, $4, $5)', TG_TABLE_SCHEMA)
                    USING NEW.instance_id, NEW.name, NEW.status, NEW.updated_at, NEW.status_reason;
                RETURN NULL;
            END $body$
            """))
        {
            await old.ExecuteNonQueryAsync();
        }

        var second = await OpenAsync();
        await second.CommitAsync(Create("upgraded", null), default);

        await using (var data = Npgsql.NpgsqlDataSource.Create(PostgresSchemaScope.ConnectionString!))
        await using (var source = data.CreateCommand("SELECT prosrc FROM pg_proc WHERE proname = 'log_instance_created' AND pronamespace = $1::regnamespace"))
        {
            source.Parameters.Add(new Npgsql.NpgsqlParameter { Value = _schema.Schema });
            Assert.DoesNotContain("EXECUTE", (string)(await source.ExecuteScalarAsync())!, StringComparison.Ordinal);
        }

        var logged = await first.ReadStatusEventsAsync(0, 100, default);
        Assert.Equal([(WorkflowRuntimeStatus.Pending, (WorkflowRuntimeStatus?)null), (WorkflowRuntimeStatus.Running, WorkflowRuntimeStatus.Pending)],
            logged.Where(e => e.InstanceId == "upgraded").Select(e => (e.RuntimeStatus, e.PreviousStatus)));
    }

    private protected override IReminderTable CreateReminderTable() => new PostgresReminderTable((PostgresWorkflowStore)FirstStore);

    protected override async ValueTask DropDatabaseAsync()
    {
        if (PostgresSchemaScope.ConnectionString is not null)
        {
            await _schema.DisposeAsync();
        }
    }
}
