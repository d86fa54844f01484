namespace Baton.Grains;

/// <summary>An activity's outcome on its way back to its workflow grain: the history event (completed or failed) as UTF-8 JSON.</summary>
[GenerateSerializer]
[Immutable] // Never changed once made: a call within the silo passes it without a copy.
[Alias("Baton.ActivityResultMessage")]
public sealed class ActivityResultMessage
{
    /// <summary>The step the result answers.</summary>
    [Id(0)]
    public required int StepId { get; init; }

    /// <summary>The <c>ActivityCompleted</c> or <c>ActivityFailed</c> event, serialised with Baton's JSON options.</summary>
    [Id(1)]
    public required byte[] Event { get; init; }
}
