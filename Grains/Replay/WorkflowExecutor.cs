using Baton.Grains.Registry;
using Baton.History;
using Baton.Serialization;
using Microsoft.Extensions.Logging;

namespace Baton.Grains.Replay;

/// <summary>
/// The replay state machine of one workflow instance. It rebuilds the workflow's in-memory state from
/// history (<see cref="Replay"/>), then advances it one turn at a time as new events arrive
/// (<see cref="RunTurnAsync"/>). A silo keeps an executor in memory between turns, so a turn costs only
/// the new events, never a replay of the whole history.
/// </summary>
/// <remarks>
/// Every call the workflow makes gets the next step number. On replay, each call is matched against the
/// event history recorded for that step; any mismatch, missing call or extra call is a divergence, which
/// fails the instance with <see cref="NonDeterministicWorkflowException"/> naming the step.
/// </remarks>
public sealed class WorkflowExecutor
{
    private readonly WorkflowRegistration _workflow;
    private readonly WorkflowRegistry _registry;
    private readonly ExecutorSettings _settings;
    private readonly WorkflowSynchronizationContext _scheduler = new();
    private readonly Dictionary<int, PendingCall> _pending = new();
    private readonly Queue<IRunnableStep> _stepsToRun = new();
    private readonly List<HistoryEvent> _newEvents = new();
    private readonly List<ScheduledWork> _newWork = new();
    private readonly List<int> _closedSteps = new();
    private readonly List<OutgoingMessage> _outgoing = new();
    private readonly List<HistoryEvent> _deferred = new();
    private readonly HashSet<int> _rerunSteps = new();
    private readonly WorkflowContext _context;
    private Dictionary<int, IStepEvent>? _recordedSteps;
    private Task<string?>? _run;
    private WorkflowStarted? _started;
    private NonDeterministicWorkflowException? _divergence;
    private (string? Input, bool PreserveEvents)? _continueAsNew;
    private string? _statusReason;
    private string? _customStatus;
    private bool _customStatusChanged;
    private bool _replaying;
    private bool _suspended;
    private bool _rewinding;
    private bool _historyReset;
    private bool _closeAll;
    private int _nextStepId;
    private int _guidCounter;

    /// <summary>Creates an executor for a new or loaded instance; call <see cref="Replay"/> or <see cref="RunTurnAsync"/> next.</summary>
    /// <param name="instanceKey">The instance's key: its id, qualified by its namespace unless that is the default one.</param>
    /// <param name="workflow">The instance's workflow registration (the version it runs).</param>
    /// <param name="registry">The registry, to check activity and child workflow names.</param>
    /// <param name="logger">The logger behind the workflow's replay-safe logger.</param>
    /// <param name="settings">Payload limit and callback signer; null for defaults (callbacks then unavailable).</param>
    // Made when the workflow declares its first query: most never do, and every activation makes an executor.
    private Dictionary<string, Func<object?>>? _queries;

    // Made when the workflow declares its first update, or one is found in its history.
    private WorkflowUpdates? _updates;

    public WorkflowExecutor(string instanceKey, WorkflowRegistration workflow, WorkflowRegistry registry, ILogger logger, ExecutorSettings? settings = null)
    {
        Key = instanceKey;
        InstanceId = WorkflowNamespaces.LocalId(instanceKey);
        Namespace = WorkflowNamespaces.NamespaceOf(instanceKey);
        _workflow = workflow;
        _registry = registry;
        _settings = settings ?? ExecutorSettings.Default;
        _context = new WorkflowContext(this, new ReplaySafeLogger(logger, () => _replaying));
    }

    /// <summary>The instance id within its namespace: what the workflow, its children and its clients know it by.</summary>
    public string InstanceId { get; }

    /// <summary>The instance's namespace. Every id the workflow names (children, events, entities) is in it.</summary>
    public string Namespace { get; }

    /// <summary>The key the instance is stored and addressed under (see <see cref="WorkflowNamespaces"/>).</summary>
    public string Key { get; }

    /// <summary>The workflow's registered name.</summary>
    public string WorkflowName => _workflow.Name;

    /// <summary>The workflow version this instance runs.</summary>
    public int Version => _workflow.Version;

    /// <summary>How many events of this instance's history are committed (the position of the next event).</summary>
    public int CommittedEventCount { get; private set; }

    /// <summary>The status as of the last turn.</summary>
    public WorkflowRuntimeStatus Status { get; private set; } = WorkflowRuntimeStatus.Pending;

    /// <summary>True once this run of the instance is over: completed, failed, terminated or continued as new.</summary>
    public bool IsFinished => Status.IsTerminal() || Status == WorkflowRuntimeStatus.ContinuedAsNew;

    /// <summary>True once the start event was applied.</summary>
    public bool IsStarted => _run is not null;

    /// <summary>The divergence found by <see cref="Replay"/>, if any; the next turn fails the instance with it.</summary>
    public NonDeterministicWorkflowException? Divergence => _divergence;

    internal DateTime CurrentUtcDateTime { get; private set; }

    internal bool IsReplaying => _replaying;

    internal EventInbox Events { get; } = new();

    /// <summary>True when everything the workflow waits for is a durable timer: no activity, child, event, callback or step.</summary>
    internal bool WaitsOnlyOnTimers => _pending.Count > 0 && _pending.Values.All(call => call is PendingTimer);

    internal long MaxPayloadBytes => _settings.MaxPayloadBytes;

    /// <summary>Rebuilds the workflow's state from its committed history without producing anything new.</summary>
    /// <param name="history">The committed history, in order.</param>
    public void Replay(IReadOnlyList<HistoryEvent> history)
    {
        _recordedSteps = new Dictionary<int, IStepEvent>();
        foreach (var e in history)
        {
            switch (e)
            {
                case IStepEvent step:
                    _recordedSteps[step.StepId] = step;
                    break;
                case WorkflowRewound rewound:
                    _rerunSteps.UnionWith(rewound.RerunSteps);
                    break;
            }
        }

        _replaying = true;
        try
        {
            foreach (var e in history)
            {
                ApplyRecorded(e);
                if (_divergence is not null)
                {
                    break;
                }
            }

            if (_divergence is null)
            {
                foreach (var (stepId, recorded) in _recordedSteps)
                {
                    if (stepId >= _nextStepId)
                    {
                        Diverge(stepId, $"history recorded {Describe(recorded)}, which the workflow no longer makes.");
                        break;
                    }
                }
            }
        }
        finally
        {
            _replaying = false;
            _recordedSteps = null;
        }

        CommittedEventCount = history.Count;
    }

    /// <summary>
    /// Prepares the rewind of a failed instance: replays its history up to (not including) the first failure,
    /// and makes the next turn's history replace the stored one. Run a turn with <see cref="WorkflowRewound"/> next.
    /// </summary>
    /// <param name="history">The failed instance's full history.</param>
    /// <returns>The inline steps whose failure was cut away; they run again in the next turn.</returns>
    public IReadOnlyList<int> PrepareRewind(IReadOnlyList<HistoryEvent> history)
    {
        var cut = 0;
        while (cut < history.Count && history[cut] is not (ActivityFailed or StepFailed or ChildWorkflowFailed or CallbackFailed or WorkflowFailed))
        {
            cut++;
        }

        var kept = history.Take(cut).ToList();
        IReadOnlyList<int> rerun = cut < history.Count && history[cut] is StepFailed failedStep ? [failedStep.StepId] : [];
        _rerunSteps.UnionWith(rerun);
        Replay(kept);
        _historyReset = true;
        _rewinding = true;
        _newEvents.AddRange(kept);
        CommittedEventCount = 0;
        return rerun;
    }

    /// <summary>
    /// Applies newly arrived events (a start, results, fired timers, outside events, operator requests),
    /// running the workflow until it waits again, and returns everything the turn produced. Events that answer
    /// nothing pending (duplicate deliveries) are skipped. Call <see cref="AcknowledgeCommit"/> once the result is durable.
    /// </summary>
    /// <param name="incoming">The new events, in arrival order.</param>
    /// <param name="now">The turn's time, stamped on every new event.</param>
    /// <returns>The turn's events, work and resulting status.</returns>
    public async Task<TurnResult> RunTurnAsync(IReadOnlyList<HistoryEvent> incoming, DateTime now)
    {
        if (_divergence is not null && !IsFinished)
        {
            Finish(new WorkflowFailed(FailureDetails.FromException(_divergence)) { Timestamp = now });
        }

        // A start goes first: events sent to the instance before it (while a previous run continued as new) reach the run it starts.
        if (!IsStarted && incoming.Count > 1 && incoming.Any(e => e is WorkflowStarted))
        {
            incoming = incoming.OrderBy(e => e is WorkflowStarted ? 0 : 1).ToList();
        }

        foreach (var e in incoming)
        {
            if (Status == WorkflowRuntimeStatus.ContinuedAsNew && e is EventRaised or WorkflowTerminated or WorkflowSuspended or WorkflowResumed)
            {
                // Sent to this run after it ended: the next run receives it.
                _outgoing.Add(new OutgoingMessage(InstanceId, e));
                continue;
            }

            if (!Accepts(e))
            {
                continue;
            }

            var stamped = e with { Timestamp = now };
            Append(stamped);
            Apply(stamped);
            await DrainStepsAsync(now).ConfigureAwait(false);
        }

        if (!IsFinished && IsStarted)
        {
            Status = _suspended ? WorkflowRuntimeStatus.Suspended : WorkflowRuntimeStatus.Running;
        }

        var last = _newEvents.LastOrDefault();
        return new TurnResult(
            _newEvents.ToArray(),
            _newWork.ToArray(),
            Status,
            last switch
            {
                WorkflowCompleted done => done.Output,
                WorkflowTerminated terminated => BatonJson.Serialize(terminated.Reason),
                _ => null,
            },
            last is WorkflowFailed failed ? failed.Failure : null)
        {
            HistoryReset = _historyReset,
            ClosedSteps = _closedSteps.ToArray(),
            CloseAll = _closeAll,
            Outgoing = _outgoing.ToArray(),
            CustomStatusChanged = _customStatusChanged,
            CustomStatus = _customStatus,
            StatusReason = _statusReason,
        };
    }

    /// <summary>Marks the last turn's events as committed and clears the turn's buffers.</summary>
    public void AcknowledgeCommit()
    {
        CommittedEventCount = (_historyReset ? 0 : CommittedEventCount) + _newEvents.Count;
        _newEvents.Clear();
        _newWork.Clear();
        _closedSteps.Clear();
        _outgoing.Clear();
        _customStatusChanged = false;
        _historyReset = false;
        _closeAll = false;
    }

    /// <summary>True when <paramref name="e"/> is something this instance would apply now (or a start).</summary>
    /// <param name="e">An arriving event.</param>
    /// <returns>Whether a turn would apply it.</returns>
    public bool Accepts(HistoryEvent e) => !IsFinished && e switch
    {
        WorkflowStarted => !IsStarted,
        EventRaised or WorkflowTerminated => true,
        WorkflowSuspended => IsStarted && !_suspended,
        WorkflowResumed => _suspended,
        WorkflowRewound => _rewinding,
        UpdateAccepted => IsStarted,
        IStepAnswer answer => _pending.TryGetValue(answer.StepId, out var call) && call.Accepts(e),
        _ => false,
    };

    /// <summary>Adds work produced by the current turn; nothing during replay (that work was produced and stored the first time).</summary>
    internal void AddWork(ScheduledWork work)
    {
        if (!_replaying)
        {
            _newWork.Add(work);
        }
    }

    internal (Task<T> Task, int StepId) ScheduleActivity<T>(string name, object? input, ActivityOptions? options, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (!_registry.TryGetActivity(name, out _))
        {
            return (Task.FromException<T>(new ActivityNotRegisteredException(name)), -1);
        }

        if (cancellationToken.IsCancellationRequested)
        {
            return (Task.FromCanceled<T>(cancellationToken), -1);
        }

        var inputJson = BatonJson.Serialize(input);
        try
        {
            PayloadLimit.Check(inputJson, MaxPayloadBytes, $"the input of activity '{name}'");
        }
        catch (PayloadTooLargeException ex)
        {
            return (Task.FromException<T>(ex), -1);
        }

        var stepId = _nextStepId++;
        var work = new ActivityWork(stepId, name, inputJson, options?.Queue ?? ActivityOptions.DefaultQueue, options?.StartToCloseTimeout, options?.HeartbeatTimeout);
        if (!Record(stepId, r => r is ActivityScheduled s && s.Name == name, $"a call of activity '{name}'",
            () => new ActivityScheduled(stepId, name, inputJson, work.Queue)))
        {
            return (Task.FromException<T>(_divergence!), stepId);
        }

        AddWork(work);
        var call = new PendingActivity<T>(work);
        Track(call, cancellationToken);
        return (call.Source.Task, stepId);
    }

    internal Task CreateTimer(DateTime fireAtUtc, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled(cancellationToken);
        }

        var stepId = _nextStepId++;
        var fireAt = DateTime.SpecifyKind(fireAtUtc.ToUniversalTime(), DateTimeKind.Utc);
        if (!Record(stepId, r => r is TimerCreated, $"a timer for {fireAt:O}", () => new TimerCreated(stepId, fireAt)))
        {
            return Task.FromException(_divergence!);
        }

        AddWork(new TimerWork(stepId, fireAt));
        var call = new PendingTimer(stepId, fireAt);
        Track(call, cancellationToken);
        return call.Source.Task;
    }

    internal Task<T> RunStep<T>(string name, Func<Task<T>> body)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(body);
        var stepId = _nextStepId++;
        var call = new PendingStep<T>(stepId, name, body);
        if (_replaying && !_recordedSteps!.ContainsKey(stepId) && _rerunSteps.Contains(stepId))
        {
            // A rewind cut this step's failure away: it runs again in the next turn.
            _stepsToRun.Enqueue(call);
        }
        else if (_replaying)
        {
            if (!MatchRecorded(stepId, r => r is StepCompleted c && c.Name == name || r is StepFailed f && f.Name == name, $"a step '{name}'"))
            {
                return Task.FromException<T>(_divergence!);
            }
        }
        else
        {
            _stepsToRun.Enqueue(call);
        }

        _pending.Add(stepId, call);
        return call.Source.Task;
    }

    internal Task<T> WaitForEvent<T>(string name, TimeSpan? timeout, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (timeout is { } limit && limit < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(timeout), "The timeout must not be negative.");
        }

        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled<T>(cancellationToken);
        }

        var stepId = _nextStepId++;
        DateTime? timeoutAt = timeout is { } t ? CurrentUtcDateTime + t : null;
        if (!Record(stepId, r => r is EventWaitStarted w && string.Equals(w.Name, name, StringComparison.OrdinalIgnoreCase),
            $"a wait for event '{name}'", () => new EventWaitStarted(stepId, name, timeoutAt)))
        {
            return Task.FromException<T>(_divergence!);
        }

        var call = new PendingEventWait<T>(stepId, name, timeout, timeoutAt);
        if (Events.TryTakeBuffered(name, out var raised))
        {
            call.Resolve(raised);
            return call.Source.Task;
        }

        if (timeoutAt is { } at)
        {
            AddWork(new TimerWork(stepId, at));
        }

        Events.AddWaiter(call);
        Track(call, cancellationToken);
        return call.Source.Task;
    }

    internal WorkflowCallback<T> CreateCallback<T>(string name, CallbackOptions? options)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        var tokens = _settings.CallbackTokens ?? throw new InvalidOperationException("Callbacks need a host that signs tokens; this executor has no CallbackTokens.");
        var stepId = _nextStepId++;
        var now = CurrentUtcDateTime;
        var tokenId = DeterministicGuid.Create($"{Key}/callback/{stepId}/{_started?.Timestamp.Ticks}").ToString("N");
        var created = new CallbackCreated(stepId, name, tokenId, options?.Timeout is { } t ? now + t : null, options?.HeartbeatTimeout) { Timestamp = now };
        var token = tokens.Issue(Key, stepId, tokenId);
        if (!Record(stepId, r => r is CallbackCreated c && c.Name == name, $"a callback '{name}'", () => created))
        {
            return new WorkflowCallback<T>(token, Task.FromException<T>(_divergence!));
        }

        var call = new PendingCallback<T>(created);
        AddWork(new CallbackWork(stepId, tokenId));
        if (created.TimeoutAt is { } at)
        {
            AddWork(new TimerWork(stepId, at));
        }

        if (created.HeartbeatTimeout is { } beat)
        {
            AddWork(new TimerWork(stepId, now + beat));
        }

        Track(call, default);
        return new WorkflowCallback<T>(token, call.Source.Task);
    }

    internal Task<T> CallChild<T>(string workflowName, object? input, ChildWorkflowOptions? options)
    {
        ArgumentException.ThrowIfNullOrEmpty(workflowName);
        WorkflowRegistration child;
        string inputJson;
        try
        {
            child = GetWorkflow(workflowName);
            inputJson = BatonJson.Serialize(input)!;
            child.ValidateInput(inputJson);
            PayloadLimit.Check(inputJson, MaxPayloadBytes, $"the input of child workflow '{workflowName}'");
        }
        catch (BatonException ex)
        {
            return Task.FromException<T>(ex);
        }

        var stepId = _nextStepId++;
        var childId = options?.InstanceId ?? $"{InstanceId}:{stepId}";
        try
        {
            InstanceIds.Validate(childId);
        }
        catch (InvalidInstanceIdException ex)
        {
            return Task.FromException<T>(ex);
        }

        if (!Record(stepId, r => r is ChildWorkflowScheduled c && c.Name == workflowName, $"a call of child workflow '{workflowName}'",
            () => new ChildWorkflowScheduled(stepId, workflowName, childId, inputJson)))
        {
            return Task.FromException<T>(_divergence!);
        }

        AddWork(new ChildWork(stepId, childId, workflowName, child.Version, inputJson));
        var call = new PendingChild<T>(stepId, workflowName, childId);
        Track(call, default);
        return call.Source.Task;
    }

    /// <summary>Sends an event to another instance in this turn's commit; with <paramref name="startsWorkflow"/>, that instance is created if missing (an entity).</summary>
    internal void SendEvent(string instanceId, string eventName, string? data, string? startsWorkflow)
    {
        InstanceIds.Validate(instanceId);
        EventNames.Validate(eventName);
        PayloadLimit.Check(data, MaxPayloadBytes, $"the data of event '{eventName}'");
        var created = startsWorkflow is null ? null : GetWorkflow(startsWorkflow);

        var stepId = _nextStepId++;
        if (!Record(stepId, r => r is EventSent sent && sent.InstanceId == instanceId && sent.Name == eventName, $"an event '{eventName}' sent to '{instanceId}'",
                () => new EventSent(stepId, instanceId, eventName, data, startsWorkflow)) || _replaying)
        {
            return; // Sent the first time; a divergence fails the instance at the next turn.
        }

        if (created is not null)
        {
            AddWork(new ChildWork(stepId, instanceId, created.Name, created.Version, null) { Detached = true });
        }

        _outgoing.Add(new OutgoingMessage(instanceId, new EventRaised(eventName, data)));
    }

    /// <summary>The newest version of a workflow this instance's namespace runs.</summary>
    private WorkflowRegistration GetWorkflow(string name) =>
        _settings.Namespaces is { } namespaces ? namespaces.GetWorkflow(Namespace, name) : _registry.GetWorkflow(name);

    internal void RequestContinueAsNew(object? input, bool preserveUnprocessedEvents)
    {
        var json = BatonJson.Serialize(input);
        _workflow.ValidateInput(json);
        _continueAsNew = (json, preserveUnprocessedEvents);
    }

    internal void SetQueryHandler(string name, Func<object?> handler)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        (_queries ??= new(StringComparer.OrdinalIgnoreCase))[name] = handler;
    }

    /// <summary>Answers a declared query, as JSON, from the state the workflow is in now.</summary>
    /// <exception cref="QueryNotFoundException">No query of that name has been declared.</exception>
    /// <exception cref="QueryFailedException">The handler threw, or its answer does not serialise.</exception>
    public string? RunQuery(string name)
    {
        if (_queries is null || !_queries.TryGetValue(name, out var handler))
        {
            throw new QueryNotFoundException(InstanceId, name, string.Join(", ", (_queries?.Keys ?? Enumerable.Empty<string>()).Order(StringComparer.Ordinal)));
        }

        try
        {
            return System.Text.Json.JsonSerializer.Serialize(handler(), BatonJson.Options);
        }
        catch (Exception ex)
        {
            throw new QueryFailedException(InstanceId, name, $"{ex.GetType().Name}: {ex.Message}");
        }
    }

    internal void SetUpdateHandler(string name, UpdateHandler handler) => Updates.Declare(name, handler);

    /// <summary>
    /// Checks an update against the handlers the workflow has declared and its validator, from the state it is in now.
    /// </summary>
    /// <returns>Null when the update is new and valid (record <see cref="UpdateAccepted"/> next); an update already accepted under this id, its outcome so far.</returns>
    /// <exception cref="UpdateNotFoundException">No handler of that name.</exception>
    /// <exception cref="UpdateRejectedException">The input does not read as the handler's type, or the validator threw.</exception>
    /// <exception cref="PayloadTooLargeException">The input is over the payload limit.</exception>
    public UpdateOutcome? ValidateUpdate(string updateId, string name, string? input)
    {
        if (_updates?.Outcome(updateId) is { } known)
        {
            return known;
        }

        PayloadLimit.Check(input, MaxPayloadBytes, $"the input of update '{name}'");
        Updates.Validate(name, input);
        return null;
    }

    /// <summary>An accepted update's outcome so far (running, or finished with a result or failure); null when no update of this run has the id.</summary>
    public UpdateOutcome? GetUpdateOutcome(string updateId) => _updates?.Outcome(updateId);

    private WorkflowUpdates Updates => _updates ??= new WorkflowUpdates(InstanceId);

    internal void SetCustomStatus(object? status)
    {
        var json = BatonJson.Serialize(status);
        if (json != _customStatus)
        {
            _customStatus = json;
            _customStatusChanged |= !_replaying;
        }
    }

    internal Guid NewGuid() =>
        DeterministicGuid.Create($"{Key}/{CurrentUtcDateTime.Ticks}/{_guidCounter++}");

    /// <summary>Cancels a pending call the workflow no longer needs; its rows are removed by the turn's commit.</summary>
    private void CancelStep(int stepId, CancellationToken token)
    {
        if (!_pending.Remove(stepId, out var call))
        {
            return;
        }

        if (call is IPendingEventWait wait)
        {
            Events.RemoveWaiter(wait);
        }

        CloseStep(stepId);
        call.Cancel(token);
    }

    private void Track(PendingCall call, CancellationToken cancellationToken)
    {
        _pending.Add(call.StepId, call);
        if (cancellationToken.CanBeCanceled)
        {
            var stepId = call.StepId;
            call.Cancellation = cancellationToken.Register(() => CancelStep(stepId, cancellationToken));
        }
    }

    private void CloseStep(int stepId)
    {
        if (!_replaying)
        {
            _closedSteps.Add(stepId);
        }
    }

    /// <summary>Checks a command against history on replay, or appends it on a first run; false on a divergence.</summary>
    private bool Record(int stepId, Func<IStepEvent, bool> matches, string attempted, Func<HistoryEvent> command)
    {
        if (_replaying)
        {
            return MatchRecorded(stepId, matches, attempted);
        }

        Append(command() with { Timestamp = CurrentUtcDateTime });
        return true;
    }

    private async Task DrainStepsAsync(DateTime now)
    {
        while (!IsFinished && _stepsToRun.TryDequeue(out var step))
        {
            var answer = await step.RunAsync(MaxPayloadBytes).ConfigureAwait(false) with { Timestamp = now };
            Append(answer);
            Apply(answer);
        }
    }

    private void ApplyRecorded(HistoryEvent e)
    {
        switch (e)
        {
            case ActivityScheduled or TimerCreated or EventWaitStarted or CallbackCreated or ChildWorkflowScheduled:
                // The call must already have been made by the code replayed so far.
                var stepId = ((IStepEvent)e).StepId;
                if (stepId >= _nextStepId)
                {
                    Diverge(stepId, $"history recorded {Describe((IStepEvent)e)}, which the workflow did not make at this point.");
                }

                break;
            case StepCompleted or StepFailed:
                var stepEventId = ((IStepEvent)e).StepId;
                if (stepEventId >= _nextStepId)
                {
                    Diverge(stepEventId, $"history recorded {Describe((IStepEvent)e)}, which the workflow did not make at this point.");
                    break;
                }

                Apply(e);
                break;
            case WorkflowCompleted or WorkflowFailed:
                if (_run is not { IsCompleted: true } && e is WorkflowCompleted)
                {
                    Diverge(_nextStepId, "history recorded the end of the workflow, but the workflow is still running.");
                    break;
                }

                Status = e is WorkflowCompleted ? WorkflowRuntimeStatus.Completed : WorkflowRuntimeStatus.Failed;
                _pending.Clear();
                break;
            default:
                Apply(e);
                break;
        }
    }

    private void Apply(HistoryEvent e)
    {
        CurrentUtcDateTime = e.Timestamp;
        if (e is UpdateCompleted or UpdateFailed)
        {
            Updates.Record(e); // Replay only: a turn makes these, it never receives them.
            return;
        }

        if (e is UpdateAccepted taken)
        {
            Updates.MarkAccepted(taken.UpdateId); // Now, even if a suspension defers its handler: the id is taken.
        }

        if (_suspended && e is not (WorkflowResumed or WorkflowTerminated))
        {
            _deferred.Add(e);
            return;
        }

        switch (e)
        {
            case WorkflowStarted started:
                _started = started;
                _nextStepId = started.StepBase;
                Status = WorkflowRuntimeStatus.Running;
                _scheduler.Run(() => _run = _workflow.RunAsync(_context, started.Input));
                break;
            case EventRaised raised:
                DeliverEvent(raised);
                break;
            case WorkflowTerminated terminated:
                Terminate(terminated);
                return;
            case WorkflowSuspended suspended:
                _suspended = true;
                _statusReason = suspended.Reason;
                Status = WorkflowRuntimeStatus.Suspended;
                return;
            case WorkflowResumed:
                _suspended = false;
                _statusReason = null;
                Status = WorkflowRuntimeStatus.Running;
                var deferred = _deferred.ToArray();
                _deferred.Clear();
                foreach (var d in deferred)
                {
                    Apply(d);
                }

                return;
            case WorkflowRewound:
                _rewinding = false;
                Status = WorkflowRuntimeStatus.Running;
                foreach (var call in _pending.Values)
                {
                    foreach (var work in call.Reissue(CurrentUtcDateTime))
                    {
                        AddWork(work);
                    }
                }

                break;
            case IStepAnswer answer:
                if (_pending.TryGetValue(answer.StepId, out var pending) && pending.Accepts(e))
                {
                    _scheduler.Run(() =>
                    {
                        if (pending.Apply(e, this))
                        {
                            _pending.Remove(answer.StepId);
                            pending.Cancellation.Dispose();
                            if (pending.HasSideRows)
                            {
                                CloseStep(answer.StepId);
                            }
                        }
                    });
                }

                break;
            case StepCompleted or StepFailed:
                var step = (IStepEvent)e;
                if (_pending.Remove(step.StepId, out var stepCall))
                {
                    _scheduler.Run(() => stepCall.Apply(e, this));
                }

                break;
            case UpdateAccepted accepted:
                StartUpdate(accepted);
                break;
        }

        if (!_replaying && _updates is { HasRunning: true } && _updates.TakeFinished(MaxPayloadBytes) is { } finished)
        {
            finished.ForEach(f => Append(f with { Timestamp = CurrentUtcDateTime }));
        }

        if (!_replaying && _run is { IsCompleted: true } && !IsFinished)
        {
            OnRunEnded();
        }
    }

    private void StartUpdate(UpdateAccepted accepted)
    {
        var found = Updates.Accept(accepted, run =>
        {
            Task<object?>? task = null;
            _scheduler.Run(() => task = run());
            return task!;
        });
        if (!found && _replaying)
        {
            Diverge(_nextStepId, $"history recorded update '{accepted.Name}', for which the workflow now declares no handler at this point.");
        }
    }

    /// <summary>Records the end of every update whose handler still runs as this run ends: the client that sent it is answered with why.</summary>
    private void AbandonUpdates(string reason)
    {
        if (!_replaying && _updates is { HasRunning: true })
        {
            _updates.AbandonRunning(reason).ForEach(f => Append(f with { Timestamp = CurrentUtcDateTime }));
        }
    }

    private void DeliverEvent(EventRaised raised)
    {
        var waiter = Events.TakeWaiter(raised.Name);
        if (waiter is null)
        {
            Events.Buffer(raised);
            return;
        }

        if (_pending.Remove(waiter.StepId, out var call))
        {
            call.Cancellation.Dispose();
        }

        if (waiter.HasTimeout)
        {
            CloseStep(waiter.StepId);
        }

        _scheduler.Run(() => waiter.Resolve(raised));
    }

    private void OnRunEnded()
    {
        var run = _run!;
        if (run.Status != TaskStatus.RanToCompletion)
        {
            Finish(new WorkflowFailed(FailureDetails.FromException(run.Exception?.InnerException ?? new TaskCanceledException())) { Timestamp = CurrentUtcDateTime });
            return;
        }

        if (_continueAsNew is { } next)
        {
            ContinueAsNew(next.Input, next.PreserveEvents);
            return;
        }

        try
        {
            PayloadLimit.Check(run.Result, MaxPayloadBytes, $"the output of workflow '{WorkflowName}'");
            Finish(new WorkflowCompleted(run.Result) { Timestamp = CurrentUtcDateTime });
        }
        catch (PayloadTooLargeException ex)
        {
            Finish(new WorkflowFailed(FailureDetails.FromException(ex)) { Timestamp = CurrentUtcDateTime });
        }
    }

    /// <summary>
    /// Ends this run: the stored history is emptied and the next run's start (with the events no wait took)
    /// goes to the instance's own inbox, so that every run starts from a fresh, short history.
    /// </summary>
    private void ContinueAsNew(string? input, bool preserveEvents)
    {
        var carried = preserveEvents ? Events.Buffered.ToArray() : [];
        var start = new WorkflowStarted(WorkflowName, input, Version, _nextStepId, _started?.Parent) { Timestamp = CurrentUtcDateTime };
        _newEvents.Clear();
        _newWork.RemoveAll(w => w is not ChildWork);
        _closedSteps.Clear();
        ClosePendingActivities();
        _outgoing.Add(new OutgoingMessage(InstanceId, start));
        _outgoing.AddRange(carried.Select(e => new OutgoingMessage(InstanceId, e)));
        _pending.Clear();
        _stepsToRun.Clear();
        Events.Clear();
        _historyReset = true;
        _closeAll = true;
        Status = WorkflowRuntimeStatus.ContinuedAsNew;
    }

    private void Terminate(WorkflowTerminated terminated)
    {
        AbandonUpdates($"The instance was terminated before the update's handler returned: {terminated.Reason}");
        _statusReason = terminated.Reason;
        if (!_replaying)
        {
            var reason = $"The parent instance '{InstanceId}' was terminated: {terminated.Reason}";
            foreach (var child in _pending.Values.OfType<IPendingChild>())
            {
                _outgoing.Add(new OutgoingMessage(child.ChildInstanceId, new WorkflowTerminated(reason)));
            }
        }

        SetFinished(WorkflowRuntimeStatus.Terminated, null, new FailureDetails("Baton.InstanceTerminated", $"The instance was terminated: {terminated.Reason}"));
    }

    private void Finish(HistoryEvent terminal)
    {
        AbandonUpdates($"The workflow {(terminal is WorkflowCompleted ? "completed" : "failed")} before the update's handler returned.");
        Append(terminal);
        SetFinished(
            terminal is WorkflowCompleted ? WorkflowRuntimeStatus.Completed : WorkflowRuntimeStatus.Failed,
            (terminal as WorkflowCompleted)?.Output,
            (terminal as WorkflowFailed)?.Failure);
    }

    private void SetFinished(WorkflowRuntimeStatus status, string? output, FailureDetails? failure)
    {
        Status = status;
        if (!_replaying && _started?.Parent is { } parent)
        {
            _outgoing.Add(new OutgoingMessage(parent.InstanceId, failure is null
                ? new ChildWorkflowCompleted(parent.StepId, output)
                : new ChildWorkflowFailed(parent.StepId, failure)));
        }

        ClosePendingActivities();
        _pending.Clear();
        _stepsToRun.Clear();
        _closeAll |= !_replaying;
    }

    /// <summary>Closes the activities still pending as the run ends, so that the silo signals exactly their running attempts.</summary>
    private void ClosePendingActivities()
    {
        foreach (var (stepId, call) in _pending)
        {
            if (call.RunsOnWorker)
            {
                CloseStep(stepId);
            }
        }
    }

    private void Append(HistoryEvent e) => _newEvents.Add(e);

    private bool MatchRecorded(int stepId, Func<IStepEvent, bool> matches, string attempted)
    {
        if (_recordedSteps!.TryGetValue(stepId, out var recorded))
        {
            if (matches(recorded))
            {
                return true;
            }

            Diverge(stepId, $"history recorded {Describe(recorded)}, but the workflow now makes {attempted}.");
            return false;
        }

        Diverge(stepId, $"the workflow makes {attempted}, which history does not have at this point.");
        return false;
    }

    private void Diverge(int stepId, string detail) =>
        _divergence ??= new NonDeterministicWorkflowException(InstanceId, stepId, detail);

    private static string Describe(IStepEvent e) => e switch
    {
        ActivityScheduled a => $"a call of activity '{a.Name}'",
        TimerCreated t => $"a timer for {t.FireAt:O}",
        StepCompleted s => $"a step '{s.Name}'",
        StepFailed s => $"a step '{s.Name}'",
        EventWaitStarted w => $"a wait for event '{w.Name}'",
        CallbackCreated c => $"a callback '{c.Name}'",
        ChildWorkflowScheduled c => $"a call of child workflow '{c.Name}'",
        _ => e.GetType().Name,
    };
}
