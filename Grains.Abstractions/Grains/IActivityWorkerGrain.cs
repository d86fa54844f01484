using Orleans.Concurrency;

namespace Baton.Grains;

/// <summary>
/// The activity workers of a silo: a stateless worker, so each call runs on the silo that makes it. Dispatch is one-way:
/// the worker queues the activities and returns at once, and each result goes back to its workflow grain as a call of
/// its own, so an activity may run for hours without holding a call open.
/// </summary>
[Alias("Baton.IActivityWorkerGrain")]
public interface IActivityWorkerGrain : IGrainWithIntegerKey
{
    /// <summary>Queues activities for this silo's workers.</summary>
    /// <param name="invocations">The activities one turn scheduled.</param>
    /// <returns>A task that completes when the message is sent (one-way).</returns>
    [OneWay]
    [Alias("Run")]
    Task RunAsync(ActivityInvocation[] invocations);
}
