using Microsoft.Extensions.Logging;

namespace Baton.Grains.Logging;

/// <summary>Baton's runtime log messages. Event ids: 1000s silo and recovery, 1100s workflow grains, 1200s activities, 1300s reminders.</summary>
internal static partial class Log
{
    [LoggerMessage(1000, LogLevel.Information, "Baton started on silo {Silo} with store {Location}")]
    public static partial void SiloStarted(ILogger logger, string silo, string location);

    [LoggerMessage(1001, LogLevel.Information, "Woke {Count} instance(s) left by silos that are no longer active")]
    public static partial void OrphansWoken(ILogger logger, int count);

    [LoggerMessage(1003, LogLevel.Warning, "Woke {Count} instance(s) whose messages were overdue: their wake-ups had been lost")]
    public static partial void OverdueWoken(ILogger logger, int count);

    [LoggerMessage(1002, LogLevel.Error, "Looking for instances of dead silos failed")]
    public static partial void RecoveryFailed(ILogger logger, Exception exception);

    [LoggerMessage(1101, LogLevel.Warning, "Commit of instance {InstanceId} failed; the activation reloads it from the store")]
    public static partial void InstanceCommitFailed(ILogger logger, string instanceId, Exception exception);

    [LoggerMessage(1102, LogLevel.Error, "Instance {InstanceId} diverged from its history and is failed: {Reason}")]
    public static partial void InstanceNonDeterministic(ILogger logger, string instanceId, string reason);

    [LoggerMessage(1103, LogLevel.Debug, "Dropped {Count} message(s) for instance {InstanceId}, which does not exist or has finished")]
    public static partial void MessagesDropped(ILogger logger, string instanceId, int count);

    [LoggerMessage(1104, LogLevel.Warning, "Instance {InstanceId} is stalled: {Reason}")]
    public static partial void InstanceStalled(ILogger logger, string instanceId, string reason);

    [LoggerMessage(1105, LogLevel.Warning, "Instance {InstanceId} lost a commit to another activation; this one reloads")]
    public static partial void InstanceConflict(ILogger logger, string instanceId);

    [LoggerMessage(1106, LogLevel.Warning, "Waking instance {InstanceId} failed, after retries; recovery will find its messages")]
    public static partial void WakeFailed(ILogger logger, string instanceId, Exception exception);

    [LoggerMessage(1107, LogLevel.Warning, "Releasing instance {InstanceId} to its reminders failed; recovery may wake it once")]
    public static partial void ReleaseFailed(ILogger logger, string instanceId, Exception exception);

    [LoggerMessage(1200, LogLevel.Error, "Delivering {Count} result(s) of {InstanceId} (first step {StepId}) failed; their work items will run again")]
    public static partial void ResultDeliveryFailed(ILogger logger, int count, string instanceId, int stepId, Exception exception);

    [LoggerMessage(1201, LogLevel.Error, "Claiming work items failed")]
    public static partial void ClaimFailed(ILogger logger, Exception exception);

    [LoggerMessage(1202, LogLevel.Warning, "Handing {Count} result(s) of {InstanceId} (first step {StepId}) to its grain failed; they are recorded in the store instead")]
    public static partial void ResultHandOffFailed(ILogger logger, int count, string instanceId, int stepId, Exception exception);

    [LoggerMessage(1203, LogLevel.Warning, "A call to the activity limiter {Limiter} failed; asked again shortly")]
    public static partial void LimitCallFailed(ILogger logger, string limiter, Exception exception);

    [LoggerMessage(1300, LogLevel.Warning, "Arming the timer bucket of instance {InstanceId}'s wait failed; a timer in memory carries it, and recovery finds it if this silo goes")]
    public static partial void ReminderFailed(ILogger logger, string instanceId, Exception exception);

    [LoggerMessage(1301, LogLevel.Warning, "Removing the wake-up reminder of instance {InstanceId} failed; its next tick finds nothing due and tries again")]
    public static partial void ReminderRemovalFailed(ILogger logger, string instanceId, Exception exception);

    [LoggerMessage(1302, LogLevel.Debug, "The timer bucket due at {DueAt:O} woke {Count} instances")]
    public static partial void TimerBucketSwept(ILogger logger, DateTime dueAt, int count);
}
