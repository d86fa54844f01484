namespace Baton;

/// <summary>An update was sent that the workflow has not declared a handler for (by its last committed turn); nothing was recorded.</summary>
/// <param name="instanceId">The instance sent to.</param>
/// <param name="updateName">The update sent.</param>
/// <param name="declared">The updates it has declared, comma-separated.</param>
[GenerateSerializer]
[Alias("Baton.UpdateNotFoundException")]
public sealed class UpdateNotFoundException(string instanceId, string updateName, string declared)
    : BatonException($"Instance '{instanceId}' has no update '{updateName}'; it has declared {(declared.Length == 0 ? "none" : declared)}.")
{
    /// <summary>The instance sent to.</summary>
    [Id(0)]
    public string InstanceId { get; } = instanceId;

    /// <summary>The update sent.</summary>
    [Id(1)]
    public string UpdateName { get; } = updateName;

    /// <summary>The updates the instance has declared, comma-separated; empty for none.</summary>
    [Id(2)]
    public string Declared { get; } = declared;
}
