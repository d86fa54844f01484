namespace Baton;

/// <summary>A query could not be answered: its handler threw, or the instance's history no longer replays against the code.</summary>
/// <param name="instanceId">The instance asked.</param>
/// <param name="queryName">The query asked for.</param>
/// <param name="reason">Why, with the handler's exception or the replay's divergence.</param>
[GenerateSerializer]
[Alias("Baton.QueryFailedException")]
public sealed class QueryFailedException(string instanceId, string queryName, string reason)
    : BatonException($"Query '{queryName}' of instance '{instanceId}' failed: {reason}")
{
    /// <summary>The instance asked.</summary>
    [Id(0)]
    public string InstanceId { get; } = instanceId;

    /// <summary>The query asked for.</summary>
    [Id(1)]
    public string QueryName { get; } = queryName;

    /// <summary>Why it failed.</summary>
    [Id(2)]
    public string Reason { get; } = reason;
}
