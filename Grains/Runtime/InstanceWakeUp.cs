using Baton.Grains.Logging;
using Microsoft.Extensions.Logging;

namespace Baton.Grains.Runtime;

/// <summary>The one way Baton wakes an instance after something was written to its inbox.</summary>
internal static class InstanceWakeUp
{
    /// <summary>Pauses between attempts: a call fails while the cluster changes (a dead or hung silo held the grain's directory entry) and succeeds once it has settled.</summary>
    private static readonly TimeSpan[] Backoff = [TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(10)];

    /// <summary>
    /// Asks the instance's grain to read its inbox, retrying a failed call a few times. The write came first and is durable,
    /// so a wake-up that still fails is logged, not thrown: the message waits for the instance's next wake-up, recovery's if
    /// its silo is gone, or recovery's sweep of overdue messages.
    /// </summary>
    /// <param name="grains">The grain factory.</param>
    /// <param name="instanceId">The instance to wake.</param>
    /// <param name="logger">Where a failure is logged.</param>
    /// <returns>A task that completes once the instance has taken what was due, or the wake-up failed.</returns>
    public static async Task WakeInstanceAsync(this IGrainFactory grains, string instanceId, ILogger logger)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                await grains.GetGrain<IWorkflowGrain>(instanceId).WakeAsync();
                return;
            }
            catch (Exception) when (attempt < Backoff.Length)
            {
                await Task.Delay(Backoff[attempt]).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                Log.WakeFailed(logger, instanceId, ex);
                return;
            }
        }
    }
}
