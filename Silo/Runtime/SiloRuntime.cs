using Baton.Grains.Registry;
using Baton.Grains.Replay;
using Baton.History;
using Baton.Silo.Hosting;
using Baton.Silo.Logging;
using Baton.Silo.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Baton.Silo.Runtime;

/// <summary>
/// A silo: joins the cluster through the store, holds partition leases (renewed by heartbeat, fenced by
/// epoch), runs a <see cref="Partition"/> for each partition it holds, and runs activities on its worker pool.
/// </summary>
internal sealed class SiloRuntime : IHostedService, IAsyncDisposable
{
    private readonly Partition?[] _partitions;
    private readonly CancellationTokenSource _stopping = new();
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Lock _partitionsLock = new();
    private readonly Lock _stopLock = new();
    private Task _leaseLoop = Task.CompletedTask;
    private DateTime _lastPrune = DateTime.MinValue;
    private Task? _stop;
    private bool _started;

    public SiloRuntime(
        IServiceProvider services,
        IOptions<BatonOptions> options,
        WorkflowRegistry registry,
        CompletionNotifier notifier,
        TimeProvider time,
        ILoggerFactory loggerFactory)
    {
        Options = options.Value;
        Options.Validate();
        Store = services.GetService<IWorkflowStore>()
            ?? throw new InvalidOperationException("No Baton store is configured: call UseSqliteStore(...) on the builder that AddBaton returns.");
        Registry = registry;
        Notifier = notifier;
        Time = time;
        Logger = loggerFactory.CreateLogger("Baton.Silo");
        WorkflowLogger = loggerFactory.CreateLogger("Baton.Workflow");
        LocalQueues = new HashSet<string>(Options.ActivityQueues, StringComparer.Ordinal);
        SiloId = $"{Environment.MachineName}-{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..8]}";
        _partitions = new Partition?[Options.PartitionCount];
        Workers = new ActivityWorkerPool(this, services);
        Store.MessagesAdded += partition => PartitionOrNull(partition)?.RequestPoll();
    }

    public string SiloId { get; }

    public BatonOptions Options { get; }

    public IWorkflowStore Store { get; }

    public WorkflowRegistry Registry { get; }

    public CompletionNotifier Notifier { get; }

    public TimeProvider Time { get; }

    public ILogger Logger { get; }

    public ILogger WorkflowLogger { get; }

    public IReadOnlySet<string> LocalQueues { get; }

    public ActivityWorkerPool Workers { get; }

    public SiloMetrics Metrics { get; } = new();

    /// <summary>Signs and verifies callback tokens with the store's cluster secret; set at start.</summary>
    public CallbackTokens CallbackTokens { get; private set; } = null!;

    /// <summary>What executors on this silo are given; set at start.</summary>
    public ExecutorSettings ExecutorSettings { get; private set; } = ExecutorSettings.Default;

    /// <summary>Completes once the store is open and the first lease round is done.</summary>
    public Task Ready => _ready.Task;

    /// <summary>The partitions this silo holds now.</summary>
    public IReadOnlyList<int> HeldPartitions
    {
        get
        {
            lock (_partitionsLock)
            {
                return _partitions.Where(p => p is not null).Select(p => p!.Id).ToArray();
            }
        }
    }

    /// <summary>How many instances this silo holds in memory: a snapshot, read while the partitions run.</summary>
    public int ActiveInstances
    {
        get
        {
            lock (_partitionsLock)
            {
                return _partitions.Sum(p => p?.ActiveInstances ?? 0);
            }
        }
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            await Store.InitializeAsync(Options.PartitionCount, cancellationToken).ConfigureAwait(false);
            CallbackTokens = new CallbackTokens(Store.ClusterSecret);
            ExecutorSettings = new ExecutorSettings(Options.MaxPayloadBytes, CallbackTokens);
            var now = Time.GetUtcNow().UtcDateTime;
            await Store.RegisterSiloAsync(SiloId, Environment.MachineName, Environment.ProcessId, now, cancellationToken).ConfigureAwait(false);
            await RenewLeasesAsync(cancellationToken).ConfigureAwait(false);
            Workers.Start();
            _leaseLoop = Task.Run(LeaseLoopAsync, CancellationToken.None);
            _started = true;
            Log.SiloStarted(Logger, SiloId, Store.Location, Options.PartitionCount);
            _ready.TrySetResult();
        }
        catch (Exception ex)
        {
            _ready.TrySetException(ex);
            throw;
        }
    }

    /// <summary>Stops once; a host stop and a container dispose may both ask, and both wait for the same stop.</summary>
    public Task StopAsync(CancellationToken cancellationToken)
    {
        if (!_started)
        {
            return Task.CompletedTask;
        }

        lock (_stopLock)
        {
            return _stop ??= Task.Run(StopCoreAsync, CancellationToken.None);
        }
    }

    /// <summary>Stops the silo; the store is disposed by the container afterwards.</summary>
    public async ValueTask DisposeAsync() => await StopAsync(CancellationToken.None).ConfigureAwait(false);

    private async Task StopCoreAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        await _leaseLoop.ConfigureAwait(false);
        await Workers.StopAsync().ConfigureAwait(false);
        Partition[] held;
        lock (_partitionsLock)
        {
            held = _partitions.OfType<Partition>().ToArray();
            Array.Clear(_partitions);
        }

        foreach (var partition in held)
        {
            foreach (var leftover in await partition.StopAsync().ConfigureAwait(false))
            {
                if (leftover is StartRequest start)
                {
                    start.Reply.TrySetException(new PartitionLostException(partition.Id, partition.Epoch));
                }
            }
        }

        await Store.ReleaseAsync(SiloId, CancellationToken.None).ConfigureAwait(false);
        Log.SiloStopped(Logger, SiloId);
    }

    public int PartitionOf(string instanceId) => PartitionMap.PartitionOf(instanceId, Options.PartitionCount);

    /// <summary>Starts an instance: in memory through its partition when this silo holds it, otherwise through the store.</summary>
    public async Task<string> StartInstanceAsync(string instanceId, WorkflowRegistration workflow, string? input, InstanceIdReusePolicy ifExists, CancellationToken cancellationToken)
    {
        var partitionId = PartitionOf(instanceId);
        var now = Time.GetUtcNow().UtcDateTime;
        if (PartitionOrNull(partitionId) is { } partition)
        {
            var request = new StartRequest(instanceId, workflow, input, ifExists);
            if (partition.TryEnqueue(request))
            {
                try
                {
                    return await request.Reply.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
                }
                catch (PartitionLostException)
                {
                    // The partition moved while the start waited; the store path below reaches its new owner.
                }
            }
        }

        var row = new InstanceRow(instanceId, workflow.Name, WorkflowRuntimeStatus.Pending, now, now, null, input, null, null) { Version = workflow.Version };
        var outcome = await Store.CreateInstanceAsync(row, partitionId, new WorkflowStarted(workflow.Name, input, workflow.Version) { Timestamp = now }, cancellationToken)
            .ConfigureAwait(false);
        return outcome == CreateOutcome.AlreadyExists && ifExists == InstanceIdReusePolicy.Fail
            ? throw new InstanceAlreadyExistsException(instanceId)
            : instanceId;
    }

    /// <summary>Hands an activity result to its partition in memory, or records it in the store when another silo holds the partition.</summary>
    public Task DeliverResultAsync(WorkItem item, HistoryEvent result)
    {
        if (PartitionOrNull(item.Partition) is { } partition && partition.TryEnqueue(new ActivityResult(item, result)))
        {
            return Task.CompletedTask;
        }

        return Store.DeliverResultAsync(item, result, Time.GetUtcNow().UtcDateTime, CancellationToken.None);
    }

    /// <summary>Wakes the partitions (held here) whose inboxes a commit wrote to.</summary>
    public void SignalPartitions(IReadOnlyList<int> partitions)
    {
        foreach (var id in partitions)
        {
            PartitionOrNull(id)?.RequestPoll();
        }
    }

    public void OnPartitionLost(Partition partition)
    {
        lock (_partitionsLock)
        {
            if (ReferenceEquals(_partitions[partition.Id], partition))
            {
                _partitions[partition.Id] = null;
            }
        }

        Log.PartitionLost(Logger, partition.Id);
        _ = DrainLostPartitionAsync(partition);
    }

    private async Task DrainLostPartitionAsync(Partition partition)
    {
        foreach (var leftover in await partition.StopAsync().ConfigureAwait(false))
        {
            switch (leftover)
            {
                case StartRequest start:
                    start.Reply.TrySetException(new PartitionLostException(partition.Id, partition.Epoch));
                    break;
                case ActivityResult result:
                    await DeliverResultAsync(result.Item, result.Result).ConfigureAwait(false);
                    break;
            }
        }
    }

    private Partition? PartitionOrNull(int partition)
    {
        lock (_partitionsLock)
        {
            return _partitions[partition];
        }
    }

    private async Task LeaseLoopAsync()
    {
        var period = Options.LeaseDuration / 3;
        while (!_stopping.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(period, Time, _stopping.Token).ConfigureAwait(false);
                await RenewLeasesAsync(_stopping.Token).ConfigureAwait(false);
                await PruneStatusEventsAsync(_stopping.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                Log.LeaseRenewalFailed(Logger, ex);
            }
        }
    }

    private async Task PruneStatusEventsAsync(CancellationToken cancellationToken)
    {
        var now = Time.GetUtcNow().UtcDateTime;
        if (now - _lastPrune < Options.StatusEventRetention / 10)
        {
            return;
        }

        _lastPrune = now;
        await Store.PruneStatusEventsAsync(now - Options.StatusEventRetention, cancellationToken).ConfigureAwait(false);
    }

    private async Task RenewLeasesAsync(CancellationToken cancellationToken)
    {
        Dictionary<int, long> held;
        lock (_partitionsLock)
        {
            held = _partitions.OfType<Partition>().ToDictionary(p => p.Id, p => p.Epoch);
        }

        var round = await Store.RenewLeasesAsync(SiloId, held, Time.GetUtcNow().UtcDateTime, Options.LeaseDuration, cancellationToken).ConfigureAwait(false);
        foreach (var lost in round.Lost)
        {
            if (PartitionOrNull(lost) is { } partition)
            {
                OnPartitionLost(partition);
            }
        }

        foreach (var (id, epoch) in round.Acquired)
        {
            var partition = new Partition(id, epoch, this);
            lock (_partitionsLock)
            {
                _partitions[id] = partition;
            }

            partition.Start();
        }

        if (round.Acquired.Count > 0)
        {
            Log.PartitionsAcquired(Logger, string.Join(", ", round.Acquired.Select(a => $"{a.Key}@{a.Value}")));
        }
    }
}
