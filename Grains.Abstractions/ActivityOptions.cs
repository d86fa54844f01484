namespace Baton;

/// <summary>Per-call options of <see cref="IWorkflowContext.CallActivityAsync{TResult}(string, object?, ActivityOptions?)"/>.</summary>
public sealed record ActivityOptions
{
    /// <summary>The name of the default activity queue, which every silo's worker pool serves.</summary>
    public const string DefaultQueue = "default";

    /// <summary>
    /// The queue the call is routed to, so that work can go to silos that have the hardware for it (a GPU
    /// pool, say). Default: <see cref="DefaultQueue"/>.
    /// </summary>
    public string Queue { get; init; } = DefaultQueue;
}
