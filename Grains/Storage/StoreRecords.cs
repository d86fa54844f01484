using Baton.Grains;
using Baton.Grains.Replay;
using Baton.History;

namespace Baton.Grains.Storage;

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
    public int Version { get; init; } = 1;

    public string? ParentInstanceId { get; init; }

    public string? CustomStatus { get; init; }

    public string? StatusReason { get; init; }

    /// <summary>The history version: how many commits the instance has had. A commit names the revision it extends.</summary>
    public long Revision { get; init; }

    /// <summary>The silo that made the last commit, while the instance is unfinished and held by a silo; null otherwise.</summary>
    public string? Owner { get; init; }

    /// <summary>The status its clients see: the instance named by its id in its namespace.</summary>
    public WorkflowStatus ToStatus(IReadOnlyList<HistoryEvent>? history) => new()
    {
        InstanceId = WorkflowNamespaces.LocalId(InstanceId),
        Name = Name,
        Version = Version,
        ParentInstanceId = ParentInstanceId,
        CustomStatus = CustomStatus,
        StatusReason = StatusReason,
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
internal sealed record WorkItem(string InstanceId, int StepId, string Queue, string Name, string? Input, int Delivery)
{
    /// <summary>How long one attempt may run, if limited.</summary>
    public TimeSpan? StartToClose { get; init; }

    /// <summary>How long an attempt may go without a heartbeat, if limited.</summary>
    public TimeSpan? HeartbeatTimeout { get; init; }

    /// <summary>The W3C trace parent of the turn that scheduled it, when that turn was traced; its attempts' spans are children of it.</summary>
    public string? TraceParent { get; init; }

    /// <param name="instanceId">The instance that scheduled it.</param>
    /// <param name="work">The activity to run.</param>
    /// <param name="traceParent">The scheduling turn's span id, when traced.</param>
    public static WorkItem From(string instanceId, ActivityWork work, string? traceParent = null) =>
        new(instanceId, work.StepId, work.Queue, work.Name, work.Input, 1)
        {
            StartToClose = work.StartToClose,
            HeartbeatTimeout = work.HeartbeatTimeout,
            TraceParent = traceParent,
        };
}

/// <summary>Everything one turn of one instance changes, committed atomically and fenced by the instance's revision.</summary>
internal sealed record InstanceCommit
{
    public required string InstanceId { get; init; }

    /// <summary>The revision this commit extends (0 when it creates the instance); a commit whose revision moved on writes nothing.</summary>
    public required long ExpectedRevision { get; init; }

    /// <summary>The silo making the commit; recorded so that recovery finds the unfinished instances of silos that died.</summary>
    public required string Owner { get; init; }

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

    /// <summary>The queues <see cref="Owner"/> serves: it takes their new work items at once; others are left for a silo serving them to claim.</summary>
    public required IReadOnlySet<string> LocalQueues { get; init; }

    public required IReadOnlyList<TimerWork> NewTimers { get; init; }

    /// <summary>True when the stored history is replaced: existing rows are deleted and <see cref="NewEvents"/> written from position 0.</summary>
    public bool HistoryReset { get; init; }

    /// <summary>Steps whose work item, timers and callback row are removed (answered or cancelled).</summary>
    public IReadOnlyList<int> ClosedSteps { get; init; } = [];

    /// <summary>True when every work item, timer and callback row of the instance is removed (it finished or continued as new).</summary>
    public bool CloseAll { get; init; }

    public IReadOnlyList<CallbackWork> NewCallbacks { get; init; } = [];

    public IReadOnlyList<ChildWork> NewChildren { get; init; } = [];

    /// <summary>Messages to instances' inboxes (others, or this one's next run).</summary>
    public IReadOnlyList<OutgoingMessage> Outgoing { get; init; } = [];

    /// <summary>True when the status row is written even without new events (a stalled instance).</summary>
    public bool WriteStatus { get; init; }

    public bool CustomStatusChanged { get; init; }

    public string? CustomStatus { get; init; }

    public string? StatusReason { get; init; }

    /// <summary>Whether the commit writes the status row (new events, a reset, a stalled instance, or a new custom status).</summary>
    public bool WritesStatus => NewEvents.Count > 0 || HistoryReset || WriteStatus || CustomStatusChanged;

    /// <summary>
    /// The runtime status the stored row holds before this commit, when the activation knows it (the row it loaded or
    /// created, as its commits left it); null when it does not, and the store compares with the stored row itself. The
    /// fence makes it safe to trust: a commit only lands on the revision the activation holds, whose status it knows.
    /// </summary>
    public WorkflowRuntimeStatus? PreviousStatus { get; init; }

    /// <summary>
    /// Whether the commit may change the runtime status, and so may log a status event: it writes the status, and the
    /// status before it is unknown or another. Most turns of a running instance keep it Running and log nothing.
    /// </summary>
    public bool MayChangeStatus => WritesStatus && PreviousStatus != Status;

    /// <summary>The instance's row as every store leaves it after this commit, from the row before it.</summary>
    public InstanceRow Apply(InstanceRow row)
    {
        if (WritesStatus)
        {
            var terminal = Status.IsTerminal();
            row = row with { Status = Status, UpdatedAt = Now, CompletedAt = terminal ? Now : null, Output = Output, Failure = Failure, StatusReason = StatusReason };
        }

        return CustomStatusChanged ? row with { CustomStatus = CustomStatus } : row;
    }
}

/// <summary>What a commit wrote that the instance acts on afterwards.</summary>
/// <param name="Timers">The timer rows it inserted.</param>
/// <param name="MessagedInstances">The instances whose inboxes it wrote to.</param>
internal sealed record CommitOutcome(IReadOnlyList<CommittedTimer> Timers, IReadOnlyList<string> MessagedInstances)
{
    public static CommitOutcome Empty { get; } = new([], []);
}

/// <summary>What a message sent to an instance by a client found.</summary>
/// <param name="Found">Whether the instance exists.</param>
/// <param name="Status">Its status, when found.</param>
/// <param name="Sent">Whether the message was written (the status allowed it).</param>
internal sealed record SendOutcome(bool Found, WorkflowRuntimeStatus Status, bool Sent);

/// <summary>What a callback completion found.</summary>
internal enum CallbackOutcome
{
    Delivered,
    NotPending,
}

/// <summary>Which finished instances to delete, resolved from a <see cref="PurgeQuery"/>.</summary>
internal sealed record PurgeFilter(PurgeQuery Query, IReadOnlyCollection<WorkflowRuntimeStatus> Statuses);

/// <summary>A timer row a commit inserted, with the id to consume it by.</summary>
internal sealed record CommittedTimer(long MessageId, string InstanceId, int StepId, DateTime FireAt);

/// <summary>What a start through the store did.</summary>
internal enum CreateOutcome
{
    Created,
    AlreadyExists,
}
