using Baton.Grains.Storage;
using Baton.Silo.Storage.Sqlite;
using Baton.TestingHost;
using Orleans;

namespace Baton.Silo.Tests.Stores;

/// <summary>The store contract on the embedded SQLite store, each store opened on this test's file.</summary>
public sealed class SqliteStoreContractTests : StoreContract
{
    private readonly string _path = BatonTestCluster.NewDatabasePath();

    private protected override IWorkflowStore CreateStore() =>
        new SqliteWorkflowStore(new SqliteStoreOptions { Path = _path }, PayloadThreshold);

    private protected override IReminderTable CreateReminderTable() => new SqliteReminderTable((SqliteWorkflowStore)FirstStore);

    protected override ValueTask DropDatabaseAsync()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(Path.GetDirectoryName(_path)!, recursive: true);
        return ValueTask.CompletedTask;
    }
}
