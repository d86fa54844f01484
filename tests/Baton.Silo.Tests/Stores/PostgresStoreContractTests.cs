using Baton.TestingHost;
using Baton.Grains.Storage;
using Baton.History;
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

    [SkippableFact]
    public async Task ATurnThatKeepsItsStatus_Commits_WhileATurnThatChangesItWaitsForTheStatusLog()
    {
        var store = await OpenAsync();
        await store.CommitAsync(Create("steady", null), default);
        await store.CommitAsync(Create("changing", null), default);

        // Another transaction holds the status log's numbering lock, as another silo's writer does from its first status
        // event to its commit.
        await using var data = Npgsql.NpgsqlDataSource.Create(PostgresSchemaScope.ConnectionString!);
        await using var holder = await data.OpenConnectionAsync();
        await using var transaction = await holder.BeginTransactionAsync();
        await using (var take = new Npgsql.NpgsqlCommand("SELECT pg_advisory_xact_lock(hashtext($1))", holder, transaction))
        {
            take.Parameters.Add(new Npgsql.NpgsqlParameter { Value = _schema.Schema + ".status_events" });
            await take.ExecuteNonQueryAsync();
        }

        var changing = store.CommitAsync(Turn("changing", 1, 1, [new WorkflowCompleted("1")]) with
        {
            PreviousStatus = WorkflowRuntimeStatus.Running,
            Status = WorkflowRuntimeStatus.Completed,
            Output = "1",
            CloseAll = true,
        }, default);
        var steady = store.CommitAsync(Turn("steady", 1, 1, [new TimerFired(1)]) with { PreviousStatus = WorkflowRuntimeStatus.Running }, default);

        await steady.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.False(changing.IsCompleted);
        await transaction.RollbackAsync();
        await changing.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(WorkflowRuntimeStatus.Completed, (await store.GetInstanceAsync("changing", default))!.Status);
        Assert.Equal(2L, (await store.GetInstanceAsync("steady", default))!.Revision);
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
