namespace Baton.Grains;

/// <summary>What <see cref="IWorkflowGrain.StartAsync"/> creates: a workflow version and its input as JSON.</summary>
[GenerateSerializer]
[Alias("Baton.StartCommand")]
public sealed class StartCommand
{
    /// <summary>The registered workflow name.</summary>
    [Id(0)]
    public required string Name { get; init; }

    /// <summary>The version to run.</summary>
    [Id(1)]
    public required int Version { get; init; }

    /// <summary>The input as JSON, or null.</summary>
    [Id(2)]
    public string? Input { get; init; }
}
