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
    private readonly WorkflowSynchronizationContext _scheduler = new();
    private readonly Dictionary<int, PendingCall> _pending = new();
    private readonly Queue<IRunnableStep> _stepsToRun = new();
    private readonly List<HistoryEvent> _newEvents = new();
    private readonly List<ScheduledWork> _newWork = new();
    private readonly WorkflowContext _context;
    private Dictionary<int, IStepEvent>? _recordedSteps;
    private Task<string?>? _run;
    private NonDeterministicWorkflowException? _divergence;
    private bool _replaying;
    private int _nextStepId;
    private int _guidCounter;

    /// <summary>Creates an executor for a new or loaded instance; call <see cref="Replay"/> or <see cref="RunTurnAsync"/> next.</summary>
    /// <param name="instanceId">The instance id.</param>
    /// <param name="workflow">The instance's workflow registration.</param>
    /// <param name="registry">The registry, to check activity names.</param>
    /// <param name="logger">The logger behind the workflow's replay-safe logger.</param>
    public WorkflowExecutor(string instanceId, WorkflowRegistration workflow, WorkflowRegistry registry, ILogger logger)
    {
        InstanceId = instanceId;
        _workflow = workflow;
        _registry = registry;
        _context = new WorkflowContext(this, new ReplaySafeLogger(logger, () => _replaying));
    }

    /// <summary>The instance id.</summary>
    public string InstanceId { get; }

    /// <summary>The workflow's registered name.</summary>
    public string WorkflowName => _workflow.Name;

    /// <summary>How many events of this instance's history are committed (the position of the next event).</summary>
    public int CommittedEventCount { get; private set; }

    /// <summary>The status as of the last turn.</summary>
    public WorkflowRuntimeStatus Status { get; private set; } = WorkflowRuntimeStatus.Pending;

    /// <summary>True once the workflow completed or failed.</summary>
    public bool IsFinished => Status.IsTerminal();

    /// <summary>True once the start event was applied.</summary>
    public bool IsStarted => _run is not null;

    internal DateTime CurrentUtcDateTime { get; private set; }

    internal bool IsReplaying => _replaying;

    /// <summary>The divergence found by <see cref="Replay"/>, if any; the next turn fails the instance with it.</summary>
    public NonDeterministicWorkflowException? Divergence => _divergence;

    /// <summary>Rebuilds the workflow's state from its committed history without producing anything new.</summary>
    /// <param name="history">The committed history, in order.</param>
    public void Replay(IReadOnlyList<HistoryEvent> history)
    {
        _recordedSteps = new Dictionary<int, IStepEvent>();
        foreach (var e in history)
        {
            if (e is IStepEvent step)
            {
                _recordedSteps[step.StepId] = step;
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
    /// Applies newly arrived events (a start, activity results, fired timers), running the workflow until it
    /// waits again, and returns everything the turn produced. Events that answer nothing pending (duplicate
    /// deliveries) are skipped. Call <see cref="AcknowledgeCommit"/> once the result is durable.
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

        foreach (var e in incoming)
        {
            if (IsFinished)
            {
                break;
            }

            if (!Accepts(e))
            {
                continue;
            }

            var stamped = e with { Timestamp = now };
            Append(stamped);
            Apply(stamped);
            while (!IsFinished && _stepsToRun.TryDequeue(out var step))
            {
                var answer = await step.RunAsync() with { Timestamp = now };
                Append(answer);
                Apply(answer);
            }
        }

        if (!IsFinished && IsStarted)
        {
            Status = WorkflowRuntimeStatus.Running;
        }

        var output = _newEvents.LastOrDefault() is WorkflowCompleted done ? done.Output : null;
        var failure = _newEvents.LastOrDefault() is WorkflowFailed failed ? failed.Failure : null;
        return new TurnResult(_newEvents.ToArray(), _newWork.ToArray(), Status, output, failure);
    }

    /// <summary>Marks the last turn's events as committed and clears the turn's buffers.</summary>
    public void AcknowledgeCommit()
    {
        CommittedEventCount += _newEvents.Count;
        _newEvents.Clear();
        _newWork.Clear();
    }

    /// <summary>True when <paramref name="e"/> answers something this instance is waiting for (or starts it).</summary>
    /// <param name="e">An arriving event.</param>
    /// <returns>Whether a turn would apply it.</returns>
    public bool Accepts(HistoryEvent e) => e switch
    {
        WorkflowStarted => !IsStarted,
        ActivityCompleted c => _pending.TryGetValue(c.StepId, out var a) && a is not PendingTimer,
        ActivityFailed f => _pending.TryGetValue(f.StepId, out var a) && a is not PendingTimer,
        TimerFired t => _pending.TryGetValue(t.StepId, out var p) && p is PendingTimer,
        _ => false,
    };

    internal Task<T> ScheduleActivity<T>(string name, object? input, ActivityOptions? options)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (!_registry.TryGetActivity(name, out _))
        {
            return Task.FromException<T>(new ActivityNotRegisteredException(name));
        }

        var stepId = _nextStepId++;
        var queue = options?.Queue ?? ActivityOptions.DefaultQueue;
        var call = new PendingActivity<T>(stepId, name);
        if (_replaying)
        {
            if (!MatchRecorded(stepId, r => r is ActivityScheduled s && s.Name == name, $"a call of activity '{name}'"))
            {
                return Task.FromException<T>(_divergence!);
            }
        }
        else
        {
            var inputJson = BatonJson.Serialize(input);
            Append(new ActivityScheduled(stepId, name, inputJson, queue) { Timestamp = CurrentUtcDateTime });
            _newWork.Add(new ActivityWork(stepId, name, inputJson, queue));
        }

        _pending.Add(stepId, call);
        return call.Source.Task;
    }

    internal Task CreateTimer(DateTime fireAtUtc)
    {
        var stepId = _nextStepId++;
        var fireAt = DateTime.SpecifyKind(fireAtUtc.ToUniversalTime(), DateTimeKind.Utc);
        var call = new PendingTimer(stepId);
        if (_replaying)
        {
            if (!MatchRecorded(stepId, r => r is TimerCreated, $"a timer for {fireAt:O}"))
            {
                return Task.FromException(_divergence!);
            }
        }
        else
        {
            Append(new TimerCreated(stepId, fireAt) { Timestamp = CurrentUtcDateTime });
            _newWork.Add(new TimerWork(stepId, fireAt));
        }

        _pending.Add(stepId, call);
        return call.Source.Task;
    }

    internal Task<T> RunStep<T>(string name, Func<Task<T>> body)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(body);
        var stepId = _nextStepId++;
        var call = new PendingStep<T>(stepId, name, body);
        if (_replaying)
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

    internal Guid NewGuid() =>
        DeterministicGuid.Create($"{InstanceId}/{CurrentUtcDateTime.Ticks}/{_guidCounter++}");

    private void ApplyRecorded(HistoryEvent e)
    {
        switch (e)
        {
            case ActivityScheduled or TimerCreated:
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
                if (_run is not { IsCompleted: true })
                {
                    Diverge(_nextStepId, "history recorded the end of the workflow, but the workflow is still running.");
                    break;
                }

                Status = e is WorkflowCompleted ? WorkflowRuntimeStatus.Completed : WorkflowRuntimeStatus.Failed;
                break;
            default:
                Apply(e);
                break;
        }
    }

    private void Apply(HistoryEvent e)
    {
        CurrentUtcDateTime = e.Timestamp;
        switch (e)
        {
            case WorkflowStarted started:
                Status = WorkflowRuntimeStatus.Running;
                _scheduler.Run(() => _run = _workflow.RunAsync(_context, started.Input));
                break;
            default:
                if (AnsweredStep(e) is { } stepId && _pending.Remove(stepId, out var call))
                {
                    _scheduler.Run(() => call.TryComplete(e));
                }

                break;
        }

        if (!_replaying && _run is { IsCompleted: true } && !IsFinished)
        {
            Finish(_run.Status == TaskStatus.RanToCompletion
                ? new WorkflowCompleted(_run.Result) { Timestamp = CurrentUtcDateTime }
                : new WorkflowFailed(FailureDetails.FromException(_run.Exception?.InnerException ?? new TaskCanceledException())) { Timestamp = CurrentUtcDateTime });
        }
    }

    private void Finish(HistoryEvent terminal)
    {
        Append(terminal);
        Status = terminal is WorkflowCompleted ? WorkflowRuntimeStatus.Completed : WorkflowRuntimeStatus.Failed;
        _pending.Clear();
        _stepsToRun.Clear();
    }

    private void Append(HistoryEvent e) => _newEvents.Add(e);

    private static int? AnsweredStep(HistoryEvent e) => e switch
    {
        ActivityCompleted c => c.StepId,
        ActivityFailed f => f.StepId,
        TimerFired t => t.StepId,
        StepCompleted s => s.StepId,
        StepFailed s => s.StepId,
        _ => null,
    };

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
        _ => e.GetType().Name,
    };
}
