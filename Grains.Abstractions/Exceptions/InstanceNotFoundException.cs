namespace Baton;

/// <summary>No workflow instance has the given id.</summary>
/// <param name="instanceId">The id that was looked up.</param>
[GenerateSerializer]
[Alias("Baton.InstanceNotFoundException")]
public sealed class InstanceNotFoundException(string instanceId)
    : BatonException($"No workflow instance has the id '{instanceId}'.")
{
    /// <summary>The id that was looked up.</summary>
    [Id(0)]
    public string InstanceId { get; } = instanceId;
}
