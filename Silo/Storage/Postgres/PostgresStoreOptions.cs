namespace Baton.Silo.Storage.Postgres;

/// <summary>Options of the PostgreSQL store, which several silos on several machines share.</summary>
public sealed class PostgresStoreOptions
{
    /// <summary>An Npgsql connection string, such as <c>Host=db;Username=baton;Password=…;Database=baton</c>. Required.</summary>
    public string ConnectionString { get; set; } = "";

    /// <summary>
    /// The schema that holds Baton's tables, created if missing. Several Baton clusters can share one database, each
    /// in a schema of its own. Default: <c>baton</c>.
    /// </summary>
    public string Schema { get; set; } = "baton";

    /// <summary>The most writes that share one transaction (group commit). Default: 256.</summary>
    public int MaxWritesPerCommit { get; set; } = 256;
}
