using Baton.Grains.Logging;
using Microsoft.Extensions.Logging;

namespace Baton.Grains.Runtime;

/// <summary>The one way Baton wakes an instance after something was written to its inbox.</summary>
internal static class InstanceWakeUp
{
    /// <summary>
    /// Asks the instance's grain to read its inbox. The write came first and is durable, so a failed wake-up is logged,
    /// not thrown: the message waits for the instance's next wake-up, and recovery's if its silo is gone.
    /// </summary>
    /// <param name="grains">The grain factory.</param>
    /// <param name="instanceId">The instance to wake.</param>
    /// <param name="logger">Where a failure is logged.</param>
    /// <returns>A task that completes once the instance has taken what was due, or the wake-up failed.</returns>
    public static async Task WakeInstanceAsync(this IGrainFactory grains, string instanceId, ILogger logger)
    {
        try
        {
            await grains.GetGrain<IWorkflowGrain>(instanceId).WakeAsync();
        }
        catch (Exception ex)
        {
            Log.WakeFailed(logger, instanceId, ex);
        }
    }
}
