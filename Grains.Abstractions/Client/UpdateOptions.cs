namespace Baton;

/// <summary>Options of <see cref="IWorkflowClient.UpdateAsync"/>.</summary>
public sealed record UpdateOptions
{
    /// <summary>
    /// The update's id, unique within the instance (1 to 256 characters, as an event name): sending again with it waits for the first
    /// update instead of running a second. A new one is generated when null. Default: null.
    /// </summary>
    public string? UpdateId { get; init; }
}
