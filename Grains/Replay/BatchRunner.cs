namespace Baton.Grains.Replay;

/// <summary>
/// Runs a batch of items (activity calls or workflow branches) on the workflow scheduler: at most N at a time,
/// until the completion rule is decided, then cancels what still runs. Items finish in history order, so the
/// batch decides the same way on replay.
/// </summary>
internal static class BatchRunner
{
    public static async Task<BatchResult<T>> RunAsync<T>(int count, Func<int, CancellationToken, Task<T>> start, BatchOptions options)
    {
        var rule = options.Completion ?? CompletionRule.AllSuccessful;
        rule.Validate(count);
        if (options.MaxConcurrency < 0)
        {
            throw new ArgumentException("MaxConcurrency must not be negative.", nameof(options));
        }

        var limit = options.MaxConcurrency == 0 ? count : options.MaxConcurrency;
        var statuses = new BatchItemStatus[count];
        var results = new T?[count];
        var failures = new FailureDetails?[count];
        var cancellations = new CancellationTokenSource?[count];
        var finished = new Queue<(int Index, Task<T> Task)>();
        TaskCompletionSource? wake = null;
        int next = 0, running = 0, succeeded = 0, failed = 0;
        var decision = rule.Decide(count, 0, 0);

        while (decision is null)
        {
            while (running < limit && next < count)
            {
                var index = next++;
                var cancellation = new CancellationTokenSource();
                cancellations[index] = cancellation;
                running++;
                Task<T> task;
                try
                {
                    task = start(index, cancellation.Token);
                }
                catch (Exception ex)
                {
                    task = Task.FromException<T>(ex);
                }

                // Runs on the workflow scheduler's thread as the answer is applied; the loop below picks it up.
                _ = task.ContinueWith(t =>
                {
                    finished.Enqueue((index, t));
                    wake?.TrySetResult();
                }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            }

            if (finished.Count == 0)
            {
                wake = new TaskCompletionSource();
                await wake.Task;
                wake = null;
            }

            while (finished.TryDequeue(out var done) && decision is null)
            {
                running--;
                cancellations[done.Index]!.Dispose();
                cancellations[done.Index] = null;
                if (done.Task.Status == TaskStatus.RanToCompletion)
                {
                    statuses[done.Index] = BatchItemStatus.Succeeded;
                    results[done.Index] = done.Task.Result;
                    succeeded++;
                }
                else
                {
                    statuses[done.Index] = BatchItemStatus.Failed;
                    failures[done.Index] = FailureDetails.FromException(done.Task.Exception?.InnerException ?? new TaskCanceledException());
                    failed++;
                }

                decision = rule.Decide(count, succeeded, failed);
            }
        }

        for (var i = 0; i < count; i++)
        {
            if (cancellations[i] is { } stillRunning)
            {
                statuses[i] = BatchItemStatus.Cancelled;
                CancelOnWorkflowThread(stillRunning);
            }
        }

        if (decision == false)
        {
            throw new BatchFailedException(rule, statuses.Select((s, i) => new BatchItemOutcome(i, s, failures[i])).ToArray());
        }

        return new BatchResult<T>(statuses.Select((s, i) => new BatchItemResult<T>(i, s, results[i], failures[i])).ToArray());
    }

    /// <summary>
    /// Cancels synchronously: the cancellation callbacks withdraw calls from the executor and must run on the
    /// workflow scheduler's thread, in order; CancelAsync would run them on the thread pool.
    /// </summary>
#pragma warning disable CA1849 // Deliberately synchronous; see above.
    public static void CancelOnWorkflowThread(CancellationTokenSource source) => source.Cancel();
#pragma warning restore CA1849
}
