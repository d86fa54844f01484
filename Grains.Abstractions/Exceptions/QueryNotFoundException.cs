namespace Baton;

/// <summary>A query was asked that the workflow has not declared (by its last committed turn).</summary>
/// <param name="instanceId">The instance asked.</param>
/// <param name="queryName">The query asked for.</param>
/// <param name="declared">The queries it has declared, comma-separated.</param>
[GenerateSerializer]
[Alias("Baton.QueryNotFoundException")]
public sealed class QueryNotFoundException(string instanceId, string queryName, string declared)
    : BatonException($"Instance '{instanceId}' has no query '{queryName}'; it has declared {(declared.Length == 0 ? "none" : declared)}.")
{
    /// <summary>The instance asked.</summary>
    [Id(0)]
    public string InstanceId { get; } = instanceId;

    /// <summary>The query asked for.</summary>
    [Id(1)]
    public string QueryName { get; } = queryName;

    /// <summary>The queries the instance has declared, comma-separated; empty for none.</summary>
    [Id(2)]
    public string Declared { get; } = declared;
}
