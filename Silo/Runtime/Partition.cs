using System.Threading.Channels;
using Baton.Grains.Registry;
using Baton.Grains.Replay;
using Baton.History;
using Baton.Silo.Hosting;
using Baton.Silo.Logging;
using Baton.Silo.Storage;
using Microsoft.Extensions.Logging;

namespace Baton.Silo.Runtime;

/// <summary>
/// One partition owned by this silo: a single loop that takes its inputs in batches, runs a turn for every
/// instance they concern (one turn at a time per instance), commits every turn of the round together, and
/// only then acts on what was committed: hands activities to workers, arms timers, answers starts.
/// </summary>
internal sealed class Partition
{
    private readonly SiloRuntime _silo;
    private readonly IWorkflowStore _store;
    private readonly BatonOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Channel<PartitionInput> _inbox = Channel.CreateUnbounded<PartitionInput>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Dictionary<string, InstanceActivation> _activations = new(StringComparer.Ordinal);
    private readonly PriorityQueue<InboxMessage, DateTime> _timers = new();
    private readonly HashSet<long> _knownMessages = new();
    private readonly CancellationTokenSource _stop = new();
    private Task _loop = Task.CompletedTask;
    private volatile bool _pollRequested = true;
    private DateTime _nextPoll;
    private DateTime _nextEviction;

    public Partition(int id, long epoch, SiloRuntime silo)
    {
        Id = id;
        Epoch = epoch;
        _silo = silo;
        _store = silo.Store;
        _options = silo.Options;
        _time = silo.Time;
        _logger = silo.Logger;
    }

    public int Id { get; }

    public long Epoch { get; }

    public int ActiveInstances => _activations.Count;

    public void Start() => _loop = Task.Run(RunAsync);

    /// <summary>Queues an input; false when the partition has stopped.</summary>
    public bool TryEnqueue(PartitionInput input) => _inbox.Writer.TryWrite(input);

    public void RequestPoll()
    {
        _pollRequested = true;
        _inbox.Writer.TryWrite(PollSignal.Instance);
    }

    /// <summary>Stops the loop and returns the inputs it had not processed.</summary>
    public async Task<IReadOnlyList<PartitionInput>> StopAsync()
    {
        _inbox.Writer.TryComplete();
        await _stop.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(false);
        var leftovers = new List<PartitionInput>();
        while (_inbox.Reader.TryRead(out var input))
        {
            leftovers.Add(input);
        }

        return leftovers;
    }

    private async Task RunAsync()
    {
        var ct = _stop.Token;
        var batch = new List<PartitionInput>();
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await WaitForWorkAsync(ct).ConfigureAwait(false);
                var now = _time.GetUtcNow().UtcDateTime;
                batch.Clear();
                while (batch.Count < _options.MaxBatchSize && _inbox.Reader.TryRead(out var input))
                {
                    if (input is not PollSignal)
                    {
                        batch.Add(input);
                    }
                }

                if (_pollRequested || now >= _nextPoll)
                {
                    await LoadMessagesAsync(now, ct).ConfigureAwait(false);
                }

                while (batch.Count < _options.MaxBatchSize && _timers.TryPeek(out var message, out var dueAt) && dueAt <= now)
                {
                    _timers.Dequeue();
                    batch.Add(new StoredMessage(message));
                }

                if (batch.Count > 0)
                {
                    await ProcessAsync(batch, now, ct).ConfigureAwait(false);
                }

                EvictIdle(now);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                break;
            }
            catch (PartitionLostException)
            {
                _silo.OnPartitionLost(this);
                break;
            }
            catch (Exception ex)
            {
                Log.PartitionRoundFailed(_logger, Id, ex);
                await Task.Delay(TimeSpan.FromMilliseconds(100), _time, ct).ConfigureAwait(false);
            }
        }
    }

    private async Task WaitForWorkAsync(CancellationToken ct)
    {
        if (_inbox.Reader.TryPeek(out _) || _pollRequested)
        {
            return;
        }

        var now = _time.GetUtcNow().UtcDateTime;
        var wakeAt = _nextPoll;
        if (_timers.TryPeek(out _, out var dueAt) && dueAt < wakeAt)
        {
            wakeAt = dueAt;
        }

        if (wakeAt <= now)
        {
            return;
        }

        using var wake = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var arrival = _inbox.Reader.WaitToReadAsync(wake.Token).AsTask();
        var timeout = Task.Delay(wakeAt - now, _time, wake.Token);
        await Task.WhenAny(arrival, timeout).ConfigureAwait(false);
        await wake.CancelAsync().ConfigureAwait(false);
        ct.ThrowIfCancellationRequested();
    }

    private async Task LoadMessagesAsync(DateTime now, CancellationToken ct)
    {
        _pollRequested = false;
        _nextPoll = now + _options.PollInterval;
        var messages = await _store.GetMessagesAsync(Id, now + _options.TimerHorizon, _options.MaxBatchSize * 4, ct).ConfigureAwait(false);
        foreach (var message in messages)
        {
            if (_knownMessages.Add(message.Id))
            {
                _timers.Enqueue(message, message.VisibleAt);
            }
        }
    }

    private async Task ProcessAsync(List<PartitionInput> batch, DateTime now, CancellationToken ct)
    {
        var rounds = new List<InstanceRound>();
        var byInstance = new Dictionary<string, InstanceRound>(StringComparer.Ordinal);
        foreach (var input in batch)
        {
            if (!byInstance.TryGetValue(input.InstanceId, out var round))
            {
                round = new InstanceRound(input.InstanceId);
                byInstance.Add(input.InstanceId, round);
                rounds.Add(round);
            }

            round.Inputs.Add(input);
        }

        foreach (var round in rounds)
        {
            await PrepareAsync(round, now, ct).ConfigureAwait(false);
            if (round.Commit is not null)
            {
                round.Committing = _store.CommitAsync(round.Commit, ct);
            }
        }

        PartitionLostException? lost = null;
        foreach (var round in rounds)
        {
            try
            {
                var outcome = round.Committing is null ? CommitOutcome.Empty : await round.Committing.ConfigureAwait(false);
                OnCommitted(round, outcome, now);
            }
            catch (PartitionLostException ex)
            {
                lost = ex;
                round.FailStarts(ex);
            }
            catch (Exception ex)
            {
                OnCommitFailed(round, ex);
            }
        }

        if (lost is not null)
        {
            throw lost;
        }
    }

    private async Task PrepareAsync(InstanceRound round, DateTime now, CancellationToken ct)
    {
        // A round of starts alone needs no read: if the id exists, the commit's insert conflicts and the
        // starts are answered as duplicates. That saves a store read on every new instance.
        var activation = round.Inputs.TrueForAll(i => i is StartRequest)
            ? _activations.GetValueOrDefault(round.InstanceId)
            : await GetActivationAsync(round.InstanceId, ct).ConfigureAwait(false);
        var incoming = new List<HistoryEvent>(round.Inputs.Count);
        var consumedMessages = new List<long>();
        var consumedWorkItems = new List<int>();
        InstanceRow? newRow = null;

        foreach (var input in round.Inputs)
        {
            switch (input)
            {
                case StartRequest start when activation is not null || newRow is not null:
                    round.DuplicateStarts.Add(start);
                    break;
                case StartRequest start:
                    var executor = new WorkflowExecutor(start.InstanceId, start.Workflow, _silo.Registry, _silo.WorkflowLogger, _silo.ExecutorSettings);
                    activation = InstanceActivation.Running(executor, now);
                    newRow = new InstanceRow(start.InstanceId, start.Workflow.Name, WorkflowRuntimeStatus.Pending, now, now, null, start.Input, null, null)
                    {
                        Version = start.Workflow.Version,
                    };
                    incoming.Add(new WorkflowStarted(start.Workflow.Name, start.Input, start.Workflow.Version));
                    round.CreatingStarts.Add(start);
                    break;
                case ActivityResult result:
                    consumedWorkItems.Add(result.Item.StepId);
                    incoming.Add(result.Result);
                    break;
                case StoredMessage stored:
                    consumedMessages.Add(stored.Message.Id);
                    incoming.Add(stored.Message.Event);
                    break;
            }
        }

        if (activation is { Stalled: not null })
        {
            await HoldForAnotherHostAsync(round, activation, now).ConfigureAwait(false);
            return;
        }

        if (activation is { FinishedStatus: WorkflowRuntimeStatus.Failed } && incoming.Exists(e => e is WorkflowRewound))
        {
            activation = await PrepareRewindAsync(round.InstanceId, activation, now, ct).ConfigureAwait(false);
        }

        round.Activation = activation;
        if (activation?.Executor is null || activation.IsFinished)
        {
            // Nothing to run: the instance is unknown or finished. Consume what was sent to it, and no more.
            if (consumedMessages.Count + consumedWorkItems.Count > 0)
            {
                Log.MessagesDropped(_logger, round.InstanceId, consumedMessages.Count + consumedWorkItems.Count);
                round.Commit = ConsumeOnly(round.InstanceId, now, consumedMessages, consumedWorkItems);
            }

            return;
        }

        if (newRow is null)
        {
            _activations[round.InstanceId] = activation;
        }

        var executorOfInstance = activation.Executor;
        var turn = await executorOfInstance.RunTurnAsync(incoming, now).ConfigureAwait(false);
        if (executorOfInstance.Divergence is { } divergence)
        {
            Log.InstanceNonDeterministic(_logger, round.InstanceId, divergence.Message);
        }

        round.Turn = turn;
        round.Commit = new InstanceCommit
        {
            InstanceId = round.InstanceId,
            Partition = Id,
            Epoch = Epoch,
            NewInstance = newRow,
            FirstPosition = executorOfInstance.CommittedEventCount,
            NewEvents = turn.NewEvents,
            Status = turn.Status,
            Output = turn.Output,
            Failure = turn.Failure,
            Now = now,
            ConsumedMessages = consumedMessages,
            ConsumedWorkItems = consumedWorkItems,
            NewWorkItems = turn.NewWork.OfType<ActivityWork>().ToArray(),
            WorkItemOwner = _silo.SiloId,
            LocalQueues = _silo.LocalQueues,
            NewTimers = turn.NewWork.OfType<TimerWork>().ToArray(),
            NewCallbacks = turn.NewWork.OfType<CallbackWork>().ToArray(),
            NewChildren = turn.NewWork.OfType<ChildWork>().ToArray(),
            HistoryReset = turn.HistoryReset,
            ClosedSteps = turn.ClosedSteps,
            CloseAll = turn.CloseAll,
            Outgoing = turn.Outgoing,
            CustomStatusChanged = turn.CustomStatusChanged,
            CustomStatus = turn.CustomStatus,
            StatusReason = turn.StatusReason,
        };
    }

    /// <summary>
    /// An instance whose version this host lacks consumes nothing: its messages stay in the store for a host
    /// that has the version, results from this silo's workers are written there too, and the status says why.
    /// </summary>
    private async Task HoldForAnotherHostAsync(InstanceRound round, InstanceActivation activation, DateTime now)
    {
        _activations[round.InstanceId] = activation;
        foreach (var result in round.Inputs.OfType<ActivityResult>())
        {
            await _store.DeliverResultAsync(result.Item, result.Result, now, CancellationToken.None).ConfigureAwait(false);
        }

        if (!activation.StallReported)
        {
            Log.InstanceStalled(_logger, round.InstanceId, activation.Stalled!.Message);
            activation.StallReported = true;
            round.Commit = ConsumeOnly(round.InstanceId, now, [], []) with
            {
                WriteStatus = true,
                Status = WorkflowRuntimeStatus.Stalled,
                StatusReason = activation.Stalled.Message,
            };
        }
    }

    private async Task<InstanceActivation?> PrepareRewindAsync(string instanceId, InstanceActivation finished, DateTime now, CancellationToken ct)
    {
        if (!_silo.Registry.TryGetWorkflow(finished.Workflow.Name, finished.Workflow.Version, out var registration))
        {
            return finished; // Nothing here can replay it; the request is consumed like any message to a finished instance.
        }

        var history = await _store.GetHistoryAsync(instanceId, ct).ConfigureAwait(false);
        var executor = new WorkflowExecutor(instanceId, registration, _silo.Registry, _silo.WorkflowLogger, _silo.ExecutorSettings);
        executor.PrepareRewind(history);
        return InstanceActivation.Running(executor, now);
    }

    private InstanceCommit ConsumeOnly(string instanceId, DateTime now, List<long> messages, List<int> workItems) => new()
    {
        InstanceId = instanceId,
        Partition = Id,
        Epoch = Epoch,
        FirstPosition = 0,
        NewEvents = [],
        Status = WorkflowRuntimeStatus.Pending,
        Now = now,
        ConsumedMessages = messages,
        ConsumedWorkItems = workItems,
        NewWorkItems = [],
        LocalQueues = _silo.LocalQueues,
        NewTimers = [],
    };

    private async Task<InstanceActivation?> GetActivationAsync(string instanceId, CancellationToken ct)
    {
        if (_activations.TryGetValue(instanceId, out var activation))
        {
            return activation;
        }

        var row = await _store.GetInstanceAsync(instanceId, ct).ConfigureAwait(false);
        if (row is null)
        {
            return null;
        }

        var now = _time.GetUtcNow().UtcDateTime;
        if (row.Status.IsTerminal())
        {
            return InstanceActivation.Finished(row.Name, row.Version, row.Status, now);
        }

        if (!_silo.Registry.TryGetWorkflow(row.Name, row.Version, out var registration))
        {
            return InstanceActivation.Unregistered(row.Name, row.Version, row.Status == WorkflowRuntimeStatus.Stalled, now);
        }

        var history = await _store.GetHistoryAsync(instanceId, ct).ConfigureAwait(false);
        var executor = new WorkflowExecutor(instanceId, registration, _silo.Registry, _silo.WorkflowLogger, _silo.ExecutorSettings);
        executor.Replay(history);
        return InstanceActivation.Running(executor, now);
    }

    private void OnCommitted(InstanceRound round, CommitOutcome outcome, DateTime now)
    {
        var timers = outcome.Timers;
        _silo.SignalPartitions(outcome.MessagedPartitions);
        if (round.Commit is { } commit)
        {
            foreach (var id in commit.ConsumedMessages)
            {
                _knownMessages.Remove(id);
            }
        }

        foreach (var timer in timers)
        {
            if (timer.FireAt < now + _options.TimerHorizon && _knownMessages.Add(timer.MessageId))
            {
                _timers.Enqueue(new InboxMessage(timer.MessageId, timer.InstanceId, timer.FireAt, new TimerFired(timer.StepId)), timer.FireAt);
            }
        }

        var activation = round.Activation;
        if (round.Turn is { } turn && activation?.Executor is not null)
        {
            activation.Executor.AcknowledgeCommit();
            activation.LastUsed = now;
            _silo.Metrics.OnTurnCommitted(turn.NewEvents.Count);
            if (turn.ClosedSteps.Count > 0)
            {
                _silo.Workers.Cancel(round.InstanceId, turn.ClosedSteps);
            }

            if (activation.Executor.IsFinished)
            {
                _activations.Remove(round.InstanceId);
                _silo.Notifier.Signal(round.InstanceId);
            }
            else
            {
                _activations[round.InstanceId] = activation;
                foreach (var work in turn.NewWork)
                {
                    if (work is ActivityWork activity && _silo.LocalQueues.Contains(activity.Queue))
                    {
                        _silo.Workers.Enqueue(WorkItem.From(round.InstanceId, Id, activity));
                    }
                }
            }
        }

        foreach (var start in round.CreatingStarts)
        {
            start.Reply.TrySetResult(start.InstanceId);
        }

        foreach (var start in round.DuplicateStarts)
        {
            AnswerDuplicate(start);
        }
    }

    private void OnCommitFailed(InstanceRound round, Exception exception)
    {
        // The executor ran ahead of the store: drop it, so that the next input reloads the committed state.
        _activations.Remove(round.InstanceId);
        if (exception is InstanceAlreadyExistsException)
        {
            // Another writer created the id between our check and our commit: these starts are duplicates.
            round.CreatingStarts.ForEach(AnswerDuplicate);
            round.DuplicateStarts.ForEach(AnswerDuplicate);
        }
        else
        {
            Log.InstanceCommitFailed(_logger, round.InstanceId, exception);
            round.FailStarts(exception);
        }

        foreach (var input in round.Inputs)
        {
            switch (input)
            {
                case ActivityResult:
                    _inbox.Writer.TryWrite(input);
                    break;
                case StoredMessage stored:
                    _knownMessages.Remove(stored.Message.Id);
                    _pollRequested = true;
                    break;
            }
        }
    }

    private static void AnswerDuplicate(StartRequest start)
    {
        if (start.IfExists == InstanceIdReusePolicy.Fail)
        {
            start.Reply.TrySetException(new InstanceAlreadyExistsException(start.InstanceId));
        }
        else
        {
            start.Reply.TrySetResult(start.InstanceId);
        }
    }

    private void EvictIdle(DateTime now)
    {
        if (now < _nextEviction)
        {
            return;
        }

        _nextEviction = now + _options.IdleTimeout / 4;
        var cutoff = now - _options.IdleTimeout;
        foreach (var instanceId in _activations.Where(a => a.Value.LastUsed < cutoff).Select(a => a.Key).ToList())
        {
            _activations.Remove(instanceId);
        }
    }
}
