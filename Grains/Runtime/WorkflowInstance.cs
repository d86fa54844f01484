using System.Diagnostics;
using TraceContext = System.Diagnostics.ActivityContext;
using Baton.Grains.Telemetry;
using Baton.Grains.Logging;
using Baton.Grains.Replay;
using Baton.Grains.Storage;
using Baton.History;

namespace Baton.Grains.Runtime;

/// <summary>
/// The logic of one workflow grain, free of Orleans: it loads and replays the instance, gathers what arrives (starts,
/// activity results, inbox messages, due timers) into turns of one commit each, and acts on a turn only after its
/// commit, through <see cref="IInstanceHost"/>. Inputs that arrive while a commit is in flight join the next turn,
/// so a fan-in of many results costs a few commits, not one each. Not thread-safe: the grain's turn-based scheduler
/// runs it.
/// </summary>
internal sealed class WorkflowInstance(string instanceId, InstanceServices services, IInstanceHost host)
{
    private const int InboxReadLimit = 10_000;

    private readonly List<Input> _pending = new();
    private readonly PriorityQueue<InboxMessage, DateTime> _timers = new();
    private readonly HashSet<long> _knownMessages = new();
    private readonly Dictionary<string, TaskCompletionSource<UpdateOutcome>> _updateWaiters = new(StringComparer.Ordinal);
    private InstanceActivation? _activation;
    private InstanceRow? _row; // As the last commit left it in the store: what the finish hands its waiters.
    private bool _loaded;
    private volatile bool _unfinished;
    private bool _pumping;
    private long _revision;

    public string InstanceId { get; } = instanceId;

    /// <summary>The store revision this activation's next commit extends.</summary>
    public long Revision => _revision;

    /// <summary>
    /// Whether this activation's last commit left the instance unfinished. Read from any thread: it turns false before the
    /// finish is signalled (<see cref="CompletionNotifier"/>), so a waiter that registered for the signal and then reads
    /// true here may wait for the signal without reading the store; false means only "ask the store".
    /// </summary>
    public bool Unfinished => _unfinished;

    /// <summary>True once the activation holds nothing a reminder does not also carry: no timer due within the reminder threshold, no input queued.</summary>
    public bool CanRelease(DateTime now) =>
        _loaded && _activation is { IsFinished: false, Executor: not null } && _pending.Count == 0
        && (!_timers.TryPeek(out _, out var due) || due > now + services.Options.ReminderThreshold);

    /// <summary>
    /// True when the activation can go at once: it could be released, and the instance waits for nothing but timers, so
    /// nothing but a timer bucket (or a rare outside message) will wake it. Keeping such instances active until Orleans
    /// collects them only fills Orleans' tables, which keep their largest size.
    /// </summary>
    public bool CanPark(DateTime now) =>
        CanRelease(now) && _updateWaiters.Count == 0 && _activation!.Executor!.WaitsOnlyOnTimers;

    public async Task<bool> StartAsync(StartCommand command)
    {
        if (!services.Registry.TryGetWorkflow(command.Name, command.Version, out var workflow))
        {
            throw new WorkflowVersionNotRegisteredException(command.Name, command.Version);
        }

        var input = new Input(InputKind.Start) { Workflow = workflow, StartInput = command.Input };
        await RunAsync(input);
        return input.Created;
    }

    /// <summary>Takes activity results into the next turn; completes once a commit has recorded them.</summary>
    public Task DeliverAsync(IReadOnlyList<HistoryEvent> results) => RunAsync(new Input(InputKind.Result) { Results = results });

    /// <summary>
    /// Validates an update against the running instance, records its acceptance (unless an update with its id was accepted
    /// before), and waits at most <paramref name="wait"/> for its handler to finish.
    /// </summary>
    /// <returns>Where the update stands: finished with a result or failure, or still running.</returns>
    /// <exception cref="InstanceNotFoundException">No such instance.</exception>
    /// <exception cref="InvalidInstanceStateException">The instance is not running.</exception>
    /// <exception cref="UpdateNotFoundException">No handler of that name.</exception>
    /// <exception cref="UpdateRejectedException">The validator refused it.</exception>
    public async Task<UpdateOutcome> UpdateAsync(UpdateRequest request, TimeSpan wait, CancellationToken cancellationToken)
    {
        var id = request.UpdateId;
        // Registered before the acceptance, so that a handler that returns in the accepting turn answers it too.
        if (!_updateWaiters.TryGetValue(id, out var waiter))
        {
            _updateWaiters[id] = waiter = new TaskCompletionSource<UpdateOutcome>(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        try
        {
            await RunAsync(new Input(InputKind.Update) { Update = request }).ConfigureAwait(true);
        }
        catch
        {
            _updateWaiters.Remove(id);
            throw;
        }

        if (!waiter.Task.IsCompleted && _activation?.Executor?.GetUpdateOutcome(id) is { Completed: true } done)
        {
            _updateWaiters.Remove(id);
            return done;
        }

        await Task.WhenAny(waiter.Task, Task.Delay(wait, services.Time, cancellationToken)).ConfigureAwait(true);
        return waiter.Task.IsCompleted ? await waiter.Task.ConfigureAwait(true) : new UpdateOutcome(id, false);
    }

    /// <summary>Reads the inbox in the store and takes what is due.</summary>
    public Task WakeAsync() => RunAsync(new Input(InputKind.Wake));

    private Task RunAsync(Input input)
    {
        _pending.Add(input);
        if (!_pumping)
        {
            // The pump goes on without its caller: a caller waits for its own input's commit, not for the turns that
            // follow (a chain of continue-as-new runs, say, which could outlast any call's timeout).
            _ = PumpAsync();
        }

        return input.Done.Task;
    }

    private async Task PumpAsync()
    {
        _pumping = true;
        try
        {
            // Inputs may arrive while the timer is armed, after the queue looked empty: look again until it stays empty.
            while (_pending.Count > 0)
            {
                await DrainAsync();
                await host.ArmTimerAsync(_timers.TryPeek(out _, out var due) ? due : null);
            }
        }
        finally
        {
            _pumping = false;
        }
    }

    private async Task DrainAsync()
    {
        while (_pending.Count > 0)
        {
            var take = Math.Min(_pending.Count, services.Options.MaxBatchSize);
            var batch = _pending.GetRange(0, take);
            _pending.RemoveRange(0, take);
            try
            {
                await TurnAsync(batch);
            }
            catch (Exception ex)
            {
                Log.InstanceCommitFailed(services.Logger, InstanceId, ex);
                Reset();
                batch.ForEach(i => i.Done.TrySetException(ex));
            }
        }
    }

    private async Task TurnAsync(List<Input> batch)
    {
        var began = services.Time.GetTimestamp();
        using var span = StartTurnSpan(batch);
        using var logScope = services.Logger.BeginScope(new StepScope(InstanceId, null, null, _activation?.Executor?.WorkflowName));
        var now = services.Time.GetUtcNow().UtcDateTime;

        // A turn of starts alone needs no read: if the id exists, the commit's insert conflicts and the starts are
        // answered as duplicates. That saves a store read on every new instance.
        if (!_loaded && !batch.TrueForAll(i => i.Kind == InputKind.Start))
        {
            await LoadAsync();
        }
        else if (_loaded && batch.Exists(i => i.Kind == InputKind.Wake))
        {
            if (_activation is null || _activation.IsFinished)
            {
                await LoadAsync(); // Restarted or recreated under this id since it was loaded.
            }
            else
            {
                await ReadInboxAsync();
            }
        }

        var activation = _activation;
        var turn = new TurnInputs();
        InstanceRow? newRow = null;
        foreach (var input in batch)
        {
            switch (input.Kind)
            {
                case InputKind.Start when activation is not null || newRow is not null:
                    turn.DuplicateStarts.Add(input);
                    break;
                case InputKind.Start:
                    var workflow = input.Workflow!;
                    var executor = new WorkflowExecutor(InstanceId, workflow, services.Registry, services.WorkflowLogger, services.ExecutorSettings);
                    activation = InstanceActivation.Running(executor);
                    newRow = new InstanceRow(InstanceId, workflow.Name, WorkflowRuntimeStatus.Pending, now, now, null, input.StartInput, null, null) { Version = workflow.Version };
                    turn.Incoming.Add(new WorkflowStarted(workflow.Name, input.StartInput, workflow.Version));
                    turn.CreatingStarts.Add(input);
                    break;
                case InputKind.Result:
                    foreach (var answer in input.Results!)
                    {
                        turn.ConsumedWorkItems.Add(((IStepAnswer)answer).StepId);
                        turn.Incoming.Add(answer);
                    }

                    break;
            }
        }

        foreach (var input in batch.Where(i => i.Kind == InputKind.Update))
        {
            TakeUpdate(input, activation, turn);
        }

        if (activation is { Stalled: not null })
        {
            await HoldForAnotherHostAsync(batch, activation, now);
            return;
        }

        while (_timers.TryPeek(out var message, out var dueAt) && dueAt <= now && turn.ConsumedMessages.Count < services.Options.MaxBatchSize)
        {
            _timers.Dequeue();
            turn.ConsumedMessages.Add(message.Id);
            turn.Incoming.Add(message.Event);
        }

        if (activation is { FinishedStatus: WorkflowRuntimeStatus.Failed } && turn.Incoming.Exists(e => e is WorkflowRewound))
        {
            activation = await PrepareRewindAsync(activation);
        }

        InstanceCommit commit;
        TurnResult? result = null;
        if (activation?.Executor is null || activation.IsFinished)
        {
            // Nothing to run: the instance is unknown or finished. Consume what was sent to it, and no more.
            if (activation is null || turn.ConsumedMessages.Count + turn.ConsumedWorkItems.Count == 0)
            {
                batch.ForEach(AnswerUncommitted);
                return;
            }

            Log.MessagesDropped(services.Logger, InstanceId, turn.ConsumedMessages.Count + turn.ConsumedWorkItems.Count);
            commit = ConsumeOnly(now, turn, activation.FinishedStatus ?? WorkflowRuntimeStatus.Pending);
        }
        else
        {
            var executor = activation.Executor;
            result = await executor.RunTurnAsync(turn.Incoming, now);
            if (executor.Divergence is { } divergence)
            {
                Log.InstanceNonDeterministic(services.Logger, InstanceId, divergence.Message);
            }

            commit = new InstanceCommit
            {
                InstanceId = InstanceId,
                ExpectedRevision = newRow is null ? _revision : 0,
                Owner = services.Silo.Name,
                NewInstance = newRow,
                PreviousStatus = (newRow ?? _row)?.Status,
                FirstPosition = executor.CommittedEventCount,
                NewEvents = result.NewEvents,
                Status = result.Status,
                Output = result.Output,
                Failure = result.Failure,
                Now = now,
                ConsumedMessages = turn.ConsumedMessages,
                ConsumedWorkItems = turn.ConsumedWorkItems,
                NewWorkItems = result.NewWork.OfType<ActivityWork>().ToArray(),
                LocalQueues = services.LocalQueues,
                NewTimers = result.NewWork.OfType<TimerWork>().ToArray(),
                NewCallbacks = result.NewWork.OfType<CallbackWork>().ToArray(),
                NewChildren = Addressed(executor, result.NewWork.OfType<ChildWork>()),
                HistoryReset = result.HistoryReset,
                ClosedSteps = result.ClosedSteps,
                CloseAll = result.CloseAll,
                Outgoing = Addressed(executor, result.Outgoing),
                CustomStatusChanged = result.CustomStatusChanged,
                CustomStatus = result.CustomStatus,
                StatusReason = result.StatusReason,
            };
        }

        CommitOutcome outcome;
        try
        {
            outcome = await services.Store.CommitAsync(commit, CancellationToken.None);
        }
        catch (InstanceAlreadyExistsException)
        {
            // The id was taken before this activation looked: these starts are duplicates, and the instance is loaded next time.
            Reset();
            turn.CreatingStarts.ForEach(AnswerDuplicate);
            turn.DuplicateStarts.ForEach(AnswerDuplicate);
            batch.Where(i => i.Kind != InputKind.Start).ToList().ForEach(i => _pending.Add(i));
            return;
        }
        catch (InstanceConflictException ex)
        {
            Log.InstanceConflict(services.Logger, InstanceId);
            Reset();
            host.Retire();
            batch.ForEach(i => i.Done.TrySetException(ex));
            return;
        }

        _revision = commit.NewInstance is null ? _revision + 1 : 1;
        _loaded = true;
        var before = commit.NewInstance ?? _row;
        _row = before is null ? null : commit.Apply(before);
        OnCommitted(commit, outcome, activation!, result);
        foreach (var update in turn.Updates)
        {
            // Taken by the validation but not applied: the same turn ended the run before it came to the update.
            if (activation?.Executor?.GetUpdateOutcome(update.Update!.UpdateId) is null)
            {
                update.Done.TrySetException(NotRunning(activation?.Executor?.Status ?? WorkflowRuntimeStatus.Pending));
            }
        }

        turn.CreatingStarts.ForEach(i => i.Created = true);
        batch.ForEach(i => i.Done.TrySetResult());
        Record(span, activation?.Executor?.WorkflowName ?? newRow?.Name, turn, commit, began);
    }

    /// <summary>The children a turn starts, under their keys: the executor names them by their ids in its namespace.</summary>
    private static ChildWork[] Addressed(WorkflowExecutor executor, IEnumerable<ChildWork> children) =>
        WorkflowNamespaces.IsDefault(executor.Namespace)
            ? children.ToArray()
            : children.Select(c => c with { InstanceId = WorkflowNamespaces.Qualify(executor.Namespace, c.InstanceId) }).ToArray();

    /// <summary>The messages a turn sends, to their receivers' keys.</summary>
    private static IReadOnlyList<OutgoingMessage> Addressed(WorkflowExecutor executor, IReadOnlyList<OutgoingMessage> messages) =>
        WorkflowNamespaces.IsDefault(executor.Namespace) || messages.Count == 0
            ? messages
            : messages.Select(m => m with { InstanceId = WorkflowNamespaces.Qualify(executor.Namespace, m.InstanceId) }).ToArray();

    /// <summary>
    /// The turn's span: a child of the call that brought its first input, linked to the calls that brought the others (a
    /// turn takes many inputs at once, from callers on any silo).
    /// </summary>
    private Activity? StartTurnSpan(List<Input> batch)
    {
        if (!Instruments.Source.HasListeners())
        {
            return null;
        }

        var callers = batch.Select(i => i.Caller).Where(c => c != default).Distinct().ToList();
        var span = Instruments.Source.StartActivity(
            "turn",
            ActivityKind.Internal,
            callers.Count > 0 ? callers[0] : default,
            links: callers.Skip(1).Select(c => new ActivityLink(c)));
        span?.SetTag("baton.instance_id", InstanceId);
        span?.SetTag("baton.inputs", batch.Count);
        return span;
    }

    private void Record(Activity? span, string? workflowName, TurnInputs turn, InstanceCommit commit, long began)
    {
        var workflow = Instruments.Workflow(workflowName ?? "");
        Instruments.TurnDuration.Record(services.Time.GetElapsedTime(began).TotalMilliseconds, workflow);
        if (turn.CreatingStarts.Count > 0)
        {
            Instruments.Starts.Add(turn.CreatingStarts.Count, workflow);
        }

        if (span is not null)
        {
            span.DisplayName = $"turn {workflowName}";
            span.SetTag("baton.workflow", workflowName);
            span.SetTag("baton.status", commit.Status.ToString());
            span.SetTag("baton.new_events", commit.NewEvents.Count);
        }
    }

    private void TakeUpdate(Input input, InstanceActivation? activation, TurnInputs turn)
    {
        var request = input.Update!;
        if (activation is null)
        {
            input.Done.TrySetException(new InstanceNotFoundException(InstanceId));
            return;
        }

        if (activation.Executor is not { IsStarted: true, IsFinished: false } executor || activation.Stalled is not null)
        {
            input.Done.TrySetException(NotRunning(activation.FinishedStatus ?? (activation.Stalled is not null ? WorkflowRuntimeStatus.Stalled : WorkflowRuntimeStatus.Pending)));
            return;
        }

        try
        {
            if (executor.ValidateUpdate(request.UpdateId, request.Name, request.Input) is not null)
            {
                input.Done.TrySetResult(); // Accepted before: the caller waits for that one.
                return;
            }
        }
        catch (BatonException ex)
        {
            input.Done.TrySetException(ex);
            return;
        }

        turn.Incoming.Add(new UpdateAccepted(request.UpdateId, request.Name, request.Input));
        turn.Updates.Add(input);
    }

    private InvalidInstanceStateException NotRunning(WorkflowRuntimeStatus status) =>
        new(InstanceId, status, "send an update", "only a running instance takes updates");

    /// <summary>Answers the callers waiting on updates whose end this commit recorded; when the run ended, every waiter.</summary>
    private void AnswerUpdateWaiters(TurnResult result, WorkflowExecutor executor)
    {
        foreach (var e in result.NewEvents)
        {
            if (WorkflowUpdates.Ended(e) is { } ended && _updateWaiters.Remove(ended.UpdateId, out var waiter))
            {
                waiter.TrySetResult(ended);
            }
        }

        if (executor.Status == WorkflowRuntimeStatus.ContinuedAsNew)
        {
            // The next run starts with a fresh history, without this run's updates: they end here.
            foreach (var (id, waiter) in _updateWaiters)
            {
                waiter.TrySetResult(new UpdateOutcome(id, true, null, new FailureDetails("Baton.UpdateAbandoned", "The workflow continued as new before the update's handler returned.")));
            }

            _updateWaiters.Clear();
        }
    }

    private void OnCommitted(InstanceCommit commit, CommitOutcome outcome, InstanceActivation activation, TurnResult? result)
    {
        _activation = activation;
        _unfinished = activation.Executor is { IsFinished: false } && activation.Stalled is null;
        foreach (var id in commit.ConsumedMessages)
        {
            _knownMessages.Remove(id);
        }

        foreach (var timer in outcome.Timers)
        {
            if (_knownMessages.Add(timer.MessageId))
            {
                _timers.Enqueue(new InboxMessage(timer.MessageId, timer.InstanceId, timer.FireAt, new TimerFired(timer.StepId)), timer.FireAt);
            }
        }

        var others = outcome.MessagedInstances.Where(i => i != InstanceId).Distinct().ToArray();
        if (others.Length > 0)
        {
            host.Wake(others);
        }

        if (outcome.MessagedInstances.Contains(InstanceId))
        {
            _pending.Add(new Input(InputKind.Wake)); // Its own next run, or a child id that was taken: read the inbox again.
        }

        if (result is null || activation.Executor is not { } executor)
        {
            return;
        }

        executor.AcknowledgeCommit();
        if (_updateWaiters.Count > 0)
        {
            AnswerUpdateWaiters(result, executor);
        }

        if (result.ClosedSteps.Count > 0)
        {
            host.Cancel(result.ClosedSteps);
        }

        if (executor.IsFinished)
        {
            var workflow = Instruments.Workflow(executor.WorkflowName);
            Instruments.Completions.Add(1, workflow, new KeyValuePair<string, object?>("baton.status", executor.Status.ToString()));
            if (executor.Status == WorkflowRuntimeStatus.Failed)
            {
                Instruments.Failures.Add(1, workflow);
            }

            services.Notifier.Signal(InstanceId, _row is { } row && row.Status == executor.Status && row.Status.IsTerminal() ? row.ToStatus(null) : null);
            if (executor.Status != WorkflowRuntimeStatus.ContinuedAsNew)
            {
                _activation = InstanceActivation.Finished(executor.WorkflowName, executor.Version, executor.Status);
                host.Retire();
            }

            return;
        }

        // Each activity attempt's span is a child of this turn's (the current span here).
        var turnSpan = Activity.Current?.Id;
        var local = result.NewWork.OfType<ActivityWork>().Where(w => services.LocalQueues.Contains(w.Queue))
            .Select(w => WorkItem.From(InstanceId, w, turnSpan)).ToArray();
        if (local.Length > 0)
        {
            host.Dispatch(local);
        }
    }

    /// <summary>
    /// An instance whose version this host lacks consumes nothing: its messages stay in the store for a host that has
    /// the version, results from this silo's workers are written there too, and the status says why.
    /// </summary>
    private async Task HoldForAnotherHostAsync(List<Input> batch, InstanceActivation activation, DateTime now)
    {
        foreach (var result in batch.Where(i => i.Kind == InputKind.Result).SelectMany(i => i.Results!))
        {
            var item = new WorkItem(InstanceId, ((IStepAnswer)result).StepId, string.Empty, string.Empty, null, 1);
            await services.Store.DeliverResultAsync(item, result, now, CancellationToken.None);
        }

        if (!activation.StallReported)
        {
            Log.InstanceStalled(services.Logger, InstanceId, activation.Stalled!.Message);
            var commit = ConsumeOnly(now, new TurnInputs(), WorkflowRuntimeStatus.Stalled) with
            {
                WriteStatus = true,
                StatusReason = activation.Stalled.Message,
            };
            await services.Store.CommitAsync(commit, CancellationToken.None);
            _revision++;
            _row = _row is null ? null : commit.Apply(_row);
            activation.StallReported = true;
        }

        batch.ForEach(AnswerUncommitted);
    }

    private async Task<InstanceActivation> PrepareRewindAsync(InstanceActivation finished)
    {
        if (!services.Registry.TryGetWorkflow(finished.Workflow.Name, finished.Workflow.Version, out var registration))
        {
            return finished; // Nothing here can replay it; the request is consumed like any message to a finished instance.
        }

        var history = await services.Store.GetHistoryAsync(InstanceId, CancellationToken.None);
        var executor = new WorkflowExecutor(InstanceId, registration, services.Registry, services.WorkflowLogger, services.ExecutorSettings);
        executor.PrepareRewind(history);
        return InstanceActivation.Running(executor);
    }

    private InstanceCommit ConsumeOnly(DateTime now, TurnInputs turn, WorkflowRuntimeStatus status) => new()
    {
        InstanceId = InstanceId,
        ExpectedRevision = _revision,
        Owner = services.Silo.Name,
        PreviousStatus = _row?.Status,
        FirstPosition = 0,
        NewEvents = [],
        Status = status,
        Now = now,
        ConsumedMessages = turn.ConsumedMessages,
        ConsumedWorkItems = turn.ConsumedWorkItems,
        NewWorkItems = [],
        LocalQueues = services.LocalQueues,
        NewTimers = [],
    };

    private async Task LoadAsync()
    {
        Reset();
        var store = services.Store;
        var row = await store.GetInstanceAsync(InstanceId, CancellationToken.None);
        _loaded = true;
        _row = row;
        if (row is null)
        {
            return;
        }

        _revision = row.Revision;
        if (row.Status.IsTerminal())
        {
            _activation = InstanceActivation.Finished(row.Name, row.Version, row.Status);
            await ReadInboxAsync();
            return;
        }

        if (row.Owner != services.Silo.Name)
        {
            // Take the instance over: this fences off any activation elsewhere, and tells recovery a live silo holds it.
            _revision = await store.ClaimInstanceAsync(InstanceId, row.Revision, services.Silo.Name, CancellationToken.None);
        }

        if (!services.Registry.TryGetWorkflow(row.Name, row.Version, out var registration))
        {
            _activation = InstanceActivation.Unregistered(row.Name, row.Version, row.Status == WorkflowRuntimeStatus.Stalled);
        }
        else
        {
            var history = await store.GetHistoryAsync(InstanceId, CancellationToken.None);
            var executor = new WorkflowExecutor(InstanceId, registration, services.Registry, services.WorkflowLogger, services.ExecutorSettings);
            executor.Replay(history);
            _activation = InstanceActivation.Running(executor);
        }

        await ReadInboxAsync();
    }

    private async Task ReadInboxAsync()
    {
        var messages = await services.Store.GetMessagesAsync(InstanceId, InboxReadLimit, CancellationToken.None);
        foreach (var message in messages)
        {
            if (_knownMessages.Add(message.Id))
            {
                _timers.Enqueue(message, message.VisibleAt);
            }
        }
    }

    /// <summary>Forgets everything loaded: the next input reloads the committed state.</summary>
    private void Reset()
    {
        _unfinished = false;
        _row = null;
        _loaded = false;
        _activation = null;
        _revision = 0;
        _timers.Clear();
        _knownMessages.Clear();
    }

    private static void AnswerUncommitted(Input input)
    {
        if (input.Kind == InputKind.Start)
        {
            AnswerDuplicate(input);
        }
        else
        {
            input.Done.TrySetResult();
        }
    }

    private static void AnswerDuplicate(Input input)
    {
        input.Created = false;
        input.Done.TrySetResult();
    }

    private enum InputKind
    {
        Start,
        Result,
        Wake,
        Update,
    }

    private sealed class Input(InputKind kind)
    {
        public InputKind Kind { get; } = kind;

        public Registry.WorkflowRegistration? Workflow { get; init; }

        public string? StartInput { get; init; }

        public IReadOnlyList<HistoryEvent>? Results { get; init; }

        public UpdateRequest? Update { get; init; }

        public bool Created { get; set; }

        public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        /// <summary>The span of the call that brought this input, if it is traced.</summary>
        public TraceContext Caller { get; } = Activity.Current?.Context ?? default;
    }

    private sealed class TurnInputs
    {
        public List<HistoryEvent> Incoming { get; } = new();

        public List<long> ConsumedMessages { get; } = new();

        public List<int> ConsumedWorkItems { get; } = new();

        public List<Input> CreatingStarts { get; } = new(0);

        public List<Input> DuplicateStarts { get; } = new(0);

        /// <summary>The update inputs whose acceptance this turn records.</summary>
        public List<Input> Updates { get; } = new(0);
    }
}
