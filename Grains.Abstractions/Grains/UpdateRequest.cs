namespace Baton.Grains;

/// <summary>An update on its way to an instance's grain: its id, name and input as JSON.</summary>
[GenerateSerializer]
[Alias("Baton.UpdateRequest")]
public sealed class UpdateRequest
{
    /// <summary>The update's id: a second request with it is answered from the first, not run again.</summary>
    [Id(0)]
    public required string UpdateId { get; init; }

    /// <summary>The update's name.</summary>
    [Id(1)]
    public required string Name { get; init; }

    /// <summary>The input as JSON, or null.</summary>
    [Id(2)]
    public string? Input { get; init; }
}
