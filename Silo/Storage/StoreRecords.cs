using Baton.Grains.Replay;
using Baton.History;

namespace Baton.Silo.Storage;

// The rows the runtime reads from and writes to a store, independent of which store it is.

/// <summary>An instance's status row.</summary>
internal sealed record InstanceRow(
    string InstanceId,
    string Name,
    WorkflowRuntimeStatus Status,
    DateTime CreatedAt,
    DateTime UpdatedAt,
    DateTime? CompletedAt,
    string? Input,
    string? Output,
    FailureDetails? Failure)
{
    public WorkflowStatus ToStatus(IReadOnlyList<HistoryEvent>? history) => new()
    {
        InstanceId = InstanceId,
        Name = Name,
        RuntimeStatus = Status,
        CreatedAt = CreatedAt,
        LastUpdatedAt = UpdatedAt,
        CompletedAt = CompletedAt,
        Input = Input,
        Output = Output,
        Failure = Failure,
        History = history,
    };
}

/// <summary>A message waiting in an instance's inbox (a start, a timer, or a result from another silo), visible from <paramref name="VisibleAt"/>.</summary>
internal sealed record InboxMessage(long Id, string InstanceId, DateTime VisibleAt, HistoryEvent Event);

/// <summary>An activity call waiting for, or leased to, a worker. Keyed by instance and step.</summary>
internal sealed record WorkItem(string InstanceId, int StepId, int Partition, string Queue, string Name, string? Input, int Delivery);

/// <summary>Everything one turn of one instance changes, committed atomically and fenced by the partition's epoch.</summary>
internal sealed record InstanceCommit
{
    public required string InstanceId { get; init; }

    public required int Partition { get; init; }

    public required long Epoch { get; init; }

    /// <summary>The row to insert when this turn creates the instance; null when it exists.</summary>
    public InstanceRow? NewInstance { get; init; }

    /// <summary>The history position of the first new event.</summary>
    public required int FirstPosition { get; init; }

    public required IReadOnlyList<HistoryEvent> NewEvents { get; init; }

    public required WorkflowRuntimeStatus Status { get; init; }

    public string? Output { get; init; }

    public FailureDetails? Failure { get; init; }

    public required DateTime Now { get; init; }

    public required IReadOnlyList<long> ConsumedMessages { get; init; }

    /// <summary>Step ids of this instance's work items whose results the turn consumed.</summary>
    public required IReadOnlyList<int> ConsumedWorkItems { get; init; }

    public required IReadOnlyList<ActivityWork> NewWorkItems { get; init; }

    /// <summary>The silo that takes the new work items of its <see cref="LocalQueues"/> at once (it runs them in memory); others are left for any silo to claim.</summary>
    public string? WorkItemOwner { get; init; }

    /// <summary>The queues <see cref="WorkItemOwner"/> serves.</summary>
    public required IReadOnlySet<string> LocalQueues { get; init; }

    public required IReadOnlyList<TimerWork> NewTimers { get; init; }
}

/// <summary>A timer row a commit inserted, with the id to consume it by.</summary>
internal sealed record CommittedTimer(long MessageId, string InstanceId, int StepId, DateTime FireAt);

/// <summary>What a start through the store did.</summary>
internal enum CreateOutcome
{
    Created,
    AlreadyExists,
}

/// <summary>The partitions a silo holds after a lease round, with their fencing epochs.</summary>
internal sealed record LeaseRound(IReadOnlyDictionary<int, long> Acquired, IReadOnlyList<int> Lost);
