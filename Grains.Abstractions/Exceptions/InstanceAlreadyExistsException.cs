namespace Baton;

/// <summary>A start asked for a new instance with an id that is taken, and said not to reuse it.</summary>
/// <param name="instanceId">The id that is taken.</param>
[GenerateSerializer]
[Alias("Baton.InstanceAlreadyExistsException")]
public sealed class InstanceAlreadyExistsException(string instanceId)
    : BatonException($"A workflow instance with the id '{instanceId}' already exists.")
{
    /// <summary>The id that is taken.</summary>
    [Id(0)]
    public string InstanceId { get; } = instanceId;
}
