using Baton.Grains.Runtime;
using Baton.Grains.Storage;
using Orleans.Concurrency;

namespace Baton.Grains;

/// <summary>
/// A stateless worker: every silo has its own, so a call runs on the silo that makes it. It hands the activities
/// to the silo's <see cref="ActivityRunner"/> and returns at once; the results go back to the workflow grains.
/// </summary>
[StatelessWorker(1)]
[Reentrant]
internal sealed class ActivityWorkerGrain(ActivityRunner runner) : Grain, IActivityWorkerGrain
{
    public Task RunAsync(ActivityInvocation[] invocations)
    {
        foreach (var invocation in invocations)
        {
            runner.Enqueue(WorkItem.From(invocation));
        }

        return Task.CompletedTask;
    }
}
