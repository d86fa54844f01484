namespace Baton;

/// <summary>
/// Creates, reads, changes and deletes schedules through any <see cref="IWorkflowClient"/> (in a silo, over Orleans or
/// over HTTP). A schedule is a workflow instance of its own (<see cref="WorkflowName"/>, id <c>schedule:{id}</c>) that
/// waits on durable timers (reminders, for long waits), so it fires across restarts; each run it starts has an id made
/// of the schedule's and the run's time, so a run is never started twice, whatever crashes in between.
/// </summary>
/// <param name="client">The client to reach the cluster through.</param>
public sealed class ScheduleClient(IWorkflowClient client)
{
    /// <summary>The workflow every schedule runs as.</summary>
    public const string WorkflowName = "BatonSchedule";

    /// <summary>The event a schedule takes its commands from.</summary>
    public const string CommandEvent = "schedule";

    /// <summary>The prefix of schedules' instance ids.</summary>
    public const string InstancePrefix = "schedule:";

    /// <summary>The instance id of schedule <paramref name="scheduleId"/>.</summary>
    public static string InstanceIdOf(string scheduleId) => InstancePrefix + scheduleId;

    /// <summary>Creates a schedule; a deleted one's id may be used again.</summary>
    /// <exception cref="InvalidWorkflowInputException">The spec is invalid; its errors name each field.</exception>
    /// <exception cref="InstanceAlreadyExistsException">A schedule with that id exists.</exception>
    public async Task CreateAsync(string scheduleId, ScheduleSpec spec, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(scheduleId);
        ArgumentNullException.ThrowIfNull(spec);
        await client.StartAsync(WorkflowName, new ScheduleState { ScheduleId = scheduleId, Spec = spec, Paused = spec.Paused },
            new StartWorkflowOptions { InstanceId = InstanceIdOf(scheduleId), IfExists = InstanceIdReusePolicy.RecreateIfFinished }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The schedule as it stands, or null when there is none (or it was deleted).</summary>
    public async Task<ScheduleDescription?> GetAsync(string scheduleId, CancellationToken cancellationToken = default)
    {
        var status = await client.GetStatusAsync(InstanceIdOf(scheduleId), cancellationToken: cancellationToken).ConfigureAwait(false);
        return status is not null && LiveStatuses.Contains(status.RuntimeStatus) ? Describe(status) : null;
    }

    /// <summary>Every schedule, by id.</summary>
    public async Task<IReadOnlyList<ScheduleDescription>> ListAsync(CancellationToken cancellationToken = default)
    {
        var schedules = new List<ScheduleDescription>();
        var query = new WorkflowQuery { Name = WorkflowName, InstanceIdPrefix = InstancePrefix, Statuses = LiveStatuses, PageSize = 1000 };
        do
        {
            var page = await client.ListAsync(query, cancellationToken).ConfigureAwait(false);
            schedules.AddRange(page.Items.Select(Describe));
            query = query with { ContinuationToken = page.ContinuationToken };
        }
        while (query.ContinuationToken is not null);

        return [.. schedules.OrderBy(s => s.ScheduleId, StringComparer.Ordinal)];
    }

    /// <summary>Stops starting runs until resumed.</summary>
    public Task PauseAsync(string scheduleId, CancellationToken cancellationToken = default) => SendAsync(scheduleId, new ScheduleCommand(ScheduleCommandKind.Pause), cancellationToken);

    /// <summary>Starts runs again, from now on.</summary>
    public Task ResumeAsync(string scheduleId, CancellationToken cancellationToken = default) => SendAsync(scheduleId, new ScheduleCommand(ScheduleCommandKind.Resume), cancellationToken);

    /// <summary>Starts a run now, under the schedule's overlap policy.</summary>
    public Task TriggerAsync(string scheduleId, CancellationToken cancellationToken = default) => SendAsync(scheduleId, new ScheduleCommand(ScheduleCommandKind.Trigger), cancellationToken);

    /// <summary>Starts a run for every time in (<paramref name="from"/>, <paramref name="to"/>], at most 1,000.</summary>
    public Task BackfillAsync(string scheduleId, DateTime from, DateTime to, CancellationToken cancellationToken = default) =>
        to <= from
            ? throw new ArgumentException("The backfill range must end after it starts.", nameof(to))
            : SendAsync(scheduleId, new ScheduleCommand(ScheduleCommandKind.Backfill, From: from.ToUniversalTime(), To: to.ToUniversalTime()), cancellationToken);

    /// <summary>Replaces the schedule's spec.</summary>
    /// <exception cref="ArgumentException">The spec is invalid; the message lists each problem.</exception>
    public Task UpdateAsync(string scheduleId, ScheduleSpec spec, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var problems = new List<System.ComponentModel.DataAnnotations.ValidationResult>();
        if (!System.ComponentModel.DataAnnotations.Validator.TryValidateObject(spec, new(spec), problems, validateAllProperties: true))
        {
            throw new ArgumentException("The schedule spec is invalid: " + string.Join(" ", problems.Select(p => p.ErrorMessage)), nameof(spec));
        }

        return SendAsync(scheduleId, new ScheduleCommand(ScheduleCommandKind.Update, spec), cancellationToken);
    }

    /// <summary>Deletes the schedule: it starts nothing more (runs already started go on).</summary>
    /// <exception cref="InstanceNotFoundException">There is no such schedule.</exception>
    public Task DeleteAsync(string scheduleId, CancellationToken cancellationToken = default) =>
        client.TerminateAsync(InstanceIdOf(scheduleId), "schedule deleted", cancellationToken);

    /// <summary>The statuses of a schedule that exists: a deleted one is terminated.</summary>
    private static readonly WorkflowRuntimeStatus[] LiveStatuses =
        [WorkflowRuntimeStatus.Pending, WorkflowRuntimeStatus.Running, WorkflowRuntimeStatus.Suspended, WorkflowRuntimeStatus.ContinuedAsNew];

    /// <summary>A schedule instance's description: its custom status, or, before its first turn has set one, its spec from the input.</summary>
    private static ScheduleDescription Describe(WorkflowStatus status) =>
        status.ReadCustomStatus<ScheduleDescription>()
            ?? new ScheduleDescription { ScheduleId = status.InstanceId[InstancePrefix.Length..], Spec = Serialization.BatonJson.Deserialize<ScheduleState>(status.Input)!.Spec };

    private Task SendAsync(string scheduleId, ScheduleCommand command, CancellationToken cancellationToken) =>
        client.RaiseEventAsync(InstanceIdOf(scheduleId), CommandEvent, command, cancellationToken);
}

/// <summary>A schedule's state: its workflow's input, carried from run to run of it (it continues as new to keep its history short).</summary>
public sealed record ScheduleState
{
    /// <summary>The schedule's id.</summary>
    [System.ComponentModel.DataAnnotations.Required]
    public string ScheduleId { get; init; } = "";

    /// <summary>What it starts, and when.</summary>
    [System.ComponentModel.DataAnnotations.Required]
    public ScheduleSpec Spec { get; init; } = new();

    /// <summary>Whether it is paused.</summary>
    public bool Paused { get; init; }

    /// <summary>Where run times are counted from: its creation, or its last update or resume.</summary>
    public DateTime? Anchor { get; init; }

    /// <summary>The time of the last run it got to.</summary>
    public DateTime? LastRunAt { get; init; }

    /// <summary>The last run it started.</summary>
    public string? LastRunId { get; init; }

    /// <summary>Counters and the latest runs, as <see cref="ScheduleDescription"/> shows them.</summary>
    public long Started { get; init; }

    /// <summary>See <see cref="ScheduleDescription.Skipped"/>.</summary>
    public long Skipped { get; init; }

    /// <summary>See <see cref="ScheduleDescription.Missed"/>.</summary>
    public long Missed { get; init; }

    /// <summary>See <see cref="ScheduleDescription.Failed"/>.</summary>
    public long Failed { get; init; }

    /// <summary>See <see cref="ScheduleDescription.LastError"/>.</summary>
    public string? LastError { get; init; }

    /// <summary>See <see cref="ScheduleDescription.RecentRuns"/>.</summary>
    public IReadOnlyList<string> RecentRuns { get; init; } = [];
}
