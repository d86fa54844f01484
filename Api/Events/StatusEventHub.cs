using Baton.Grains.Storage;

namespace Baton.Api.Events;

/// <summary>
/// Watches the store's status event log and wakes readers (server-sent event streams, webhook dispatchers) when it grows.
/// It polls the log's newest sequence number, a single indexed read, so that it also sees changes other silos commit to a
/// shared store; readers then read the events themselves from their own position.
/// </summary>
internal sealed class StatusEventHub(IWorkflowStore store, TimeProvider time) : BackgroundService
{
    /// <summary>How often the log is checked for new events.</summary>
    public static readonly TimeSpan CheckInterval = TimeSpan.FromMilliseconds(100);

    private readonly object _lock = new();
    private TaskCompletionSource _grown = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _last = -1;

    /// <summary>Waits until the log holds an event after <paramref name="sequence"/>.</summary>
    public Task WaitBeyondAsync(long sequence, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            return _last > sequence ? Task.CompletedTask : _grown.Task.WaitAsync(cancellationToken);
        }
    }

    /// <summary>Reads up to <paramref name="limit"/> events after <paramref name="sequence"/>.</summary>
    public Task<IReadOnlyList<WorkflowStatusEvent>> ReadAsync(long sequence, int limit, CancellationToken cancellationToken) =>
        store.ReadStatusEventsAsync(sequence, limit, cancellationToken);

    /// <summary>The newest event's sequence number, where a reader that wants only new events starts.</summary>
    public async Task<long> CurrentAsync(CancellationToken cancellationToken)
    {
        return await store.GetLastStatusEventAsync(cancellationToken).ConfigureAwait(false);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            long last;
            try
            {
                last = await store.GetLastStatusEventAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // A failed read (a busy or briefly unreachable store) is retried at the next check.
                last = _last;
            }

            TaskCompletionSource? grown = null;
            lock (_lock)
            {
                if (last != _last)
                {
                    _last = last;
                    grown = _grown;
                    _grown = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                }
            }

            grown?.TrySetResult();
            await Task.Delay(CheckInterval, time, stoppingToken).ConfigureAwait(false);
        }
    }
}
