namespace Baton;

/// <summary>Describes one execution of an activity.</summary>
public sealed record ActivityContext
{
    /// <summary>The id of the workflow instance that called the activity.</summary>
    public required string InstanceId { get; init; }

    /// <summary>The registered name of the activity.</summary>
    public required string ActivityName { get; init; }

    /// <summary>The call's position in the workflow (its step number); stable across retries and re-deliveries.</summary>
    public required int StepId { get; init; }

    /// <summary>How many times this call has been handed to a worker, starting at 1. Above 1 after a crash or lease loss.</summary>
    public required int Delivery { get; init; }

    /// <summary>Signalled when the silo shuts down; the call will then be delivered again elsewhere.</summary>
    public CancellationToken CancellationToken { get; init; }
}
