namespace Baton;

/// <summary>Describes one execution of an activity.</summary>
public sealed record ActivityContext
{
    /// <summary>The id of the workflow instance that called the activity.</summary>
    public required string InstanceId { get; init; }

    /// <summary>The namespace of the instance that called the activity (<see cref="WorkflowNamespaces.Default"/> unless it is in another).</summary>
    public string Namespace { get; init; } = WorkflowNamespaces.Default;

    /// <summary>The registered name of the activity.</summary>
    public required string ActivityName { get; init; }

    /// <summary>The call's position in the workflow (its step number); stable across retries and re-deliveries.</summary>
    public required int StepId { get; init; }

    /// <summary>How many times this call has been handed to a worker, starting at 1. Above 1 after a crash or lease loss.</summary>
    public required int Delivery { get; init; }

    /// <summary>Signalled when the silo shuts down (the call is then delivered again elsewhere), when the attempt times out, or when the workflow no longer needs the call.</summary>
    public CancellationToken CancellationToken { get; init; }

    /// <summary>The attempt's heartbeat timeout, if the call has one.</summary>
    public TimeSpan? HeartbeatTimeout { get; init; }

    /// <summary>The details of the last heartbeat of this attempt, as JSON; null before the first.</summary>
    public string? LastHeartbeatDetails => _lastDetails;

    internal Action? OnHeartbeat { get; init; }

    private string? _lastDetails;

    /// <summary>
    /// Reports that the activity is alive and making progress. When the call has a
    /// <see cref="ActivityOptions.HeartbeatTimeout"/>, an attempt that goes longer than that without a
    /// heartbeat is timed out and retried per the call's policy.
    /// </summary>
    /// <param name="details">Progress details (serialised to JSON), reported with a timeout.</param>
    public void Heartbeat(object? details = null)
    {
        _lastDetails = details is null ? _lastDetails : Serialization.BatonJson.Serialize(details);
        OnHeartbeat?.Invoke();
    }
}
