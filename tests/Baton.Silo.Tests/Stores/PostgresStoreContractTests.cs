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

    private protected override IReminderTable CreateReminderTable() => new PostgresReminderTable((PostgresWorkflowStore)FirstStore);

    protected override async ValueTask DropDatabaseAsync()
    {
        if (PostgresSchemaScope.ConnectionString is not null)
        {
            await _schema.DisposeAsync();
        }
    }
}
