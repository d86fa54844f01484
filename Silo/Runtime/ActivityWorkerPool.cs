using System.Threading.Channels;
using Baton.History;
using Baton.Silo.Logging;
using Baton.Silo.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace Baton.Silo.Runtime;

/// <summary>
/// The silo's stateless activity workers: a bounded number of concurrent executions fed in memory by this
/// silo's partitions, and topped up from the store with work items that no live silo holds. Delivery is
/// at least once: a work item is deleted only by the commit that records its result.
/// </summary>
internal sealed class ActivityWorkerPool(SiloRuntime silo, IServiceProvider services)
{
    private readonly Channel<WorkItem> _queue = Channel.CreateUnbounded<WorkItem>();
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _workers = new();
    private Task _poller = Task.CompletedTask;
    private int _outstanding;

    /// <summary>Work items queued or running here.</summary>
    public int Outstanding => Volatile.Read(ref _outstanding);

    public void Start()
    {
        for (var i = 0; i < silo.Options.MaxConcurrentActivities; i++)
        {
            _workers.Add(Task.Run(WorkAsync));
        }

        _poller = Task.Run(PollAsync);
    }

    public void Enqueue(WorkItem item)
    {
        Interlocked.Increment(ref _outstanding);
        if (!_queue.Writer.TryWrite(item))
        {
            Interlocked.Decrement(ref _outstanding);
        }
    }

    public async Task StopAsync()
    {
        _queue.Writer.TryComplete();
        await _stop.CancelAsync().ConfigureAwait(false);
        await Task.WhenAll(_workers.Append(_poller)).ConfigureAwait(false);
    }

    private async Task WorkAsync()
    {
        try
        {
            await foreach (var item in _queue.Reader.ReadAllAsync(_stop.Token).ConfigureAwait(false))
            {
                try
                {
                    var result = await ExecuteAsync(item).ConfigureAwait(false);
                    if (result is not null)
                    {
                        await silo.DeliverResultAsync(item, result).ConfigureAwait(false);
                    }
                }
                catch (Exception ex) when (!_stop.IsCancellationRequested)
                {
                    Log.ResultDeliveryFailed(silo.Logger, item.InstanceId, item.StepId, ex);
                }
                finally
                {
                    Interlocked.Decrement(ref _outstanding);
                }
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
        }
    }

    /// <summary>Runs one work item; null when the silo is stopping and the item is left for another delivery.</summary>
    private async Task<HistoryEvent?> ExecuteAsync(WorkItem item)
    {
        if (!silo.Registry.TryGetActivity(item.Name, out var activity))
        {
            return new ActivityFailed(item.StepId, FailureDetails.FromException(new ActivityNotRegisteredException(item.Name)));
        }

        var context = new ActivityContext
        {
            InstanceId = item.InstanceId,
            ActivityName = item.Name,
            StepId = item.StepId,
            Delivery = item.Delivery,
            CancellationToken = _stop.Token,
        };

        await using var scope = services.CreateAsyncScope();
        try
        {
            var output = await activity.InvokeAsync(scope.ServiceProvider, context, item.Input).ConfigureAwait(false);
            return new ActivityCompleted(item.StepId, output);
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
            return null;
        }
        catch (Exception ex)
        {
            return new ActivityFailed(item.StepId, FailureDetails.FromException(ex));
        }
    }

    private async Task PollAsync()
    {
        var capacity = silo.Options.MaxConcurrentActivities * 2;
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                var room = capacity - Outstanding;
                if (room > 0)
                {
                    var now = silo.Time.GetUtcNow().UtcDateTime;
                    var claimed = await silo.Store.ClaimWorkItemsAsync(silo.SiloId, silo.LocalQueues, room, now - silo.Options.LeaseDuration, _stop.Token)
                        .ConfigureAwait(false);
                    foreach (var item in claimed)
                    {
                        Enqueue(item);
                    }
                }

                await Task.Delay(silo.Options.PollInterval, silo.Time, _stop.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                Log.ClaimFailed(silo.Logger, ex);
                await Task.Delay(silo.Options.PollInterval, silo.Time, CancellationToken.None).ConfigureAwait(false);
            }
        }
    }
}
