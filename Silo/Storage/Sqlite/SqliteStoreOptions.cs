namespace Baton.Silo.Storage.Sqlite;

/// <summary>Options of the embedded SQLite store.</summary>
public sealed class SqliteStoreOptions
{
    /// <summary>The database file. Its folder is created if missing. Default: <c>data/baton.db</c>.</summary>
    public string Path { get; set; } = System.IO.Path.Combine("data", "baton.db");

    /// <summary>How hard each commit is pushed to disk. Default: <see cref="SqliteDurability.Synced"/>.</summary>
    public SqliteDurability Durability { get; set; } = SqliteDurability.Synced;

    /// <summary>The most writes that share one commit. Default: 512.</summary>
    public int MaxWritesPerCommit { get; set; } = 512;
}

/// <summary>What a commit survives.</summary>
public enum SqliteDurability
{
    /// <summary>Every commit is synced to disk before it is acknowledged: a step survives a process crash and a power loss.</summary>
    Synced = 0,

    /// <summary>
    /// Commits are synced only at checkpoints: a step survives a process crash, but the most recent steps
    /// may be lost (never half-written) on a power loss or OS crash. Faster; opt in only if that is acceptable.
    /// </summary>
    LosesRecentStepsOnPowerLoss = 1,
}
