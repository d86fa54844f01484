using Microsoft.Extensions.Logging;

namespace Baton.Silo.Logging;

/// <summary>
/// Every log message of the silo, source-generated. Event ids by area: 1000–1099 silo and leases,
/// 1100–1199 partitions and instances, 1200–1299 activity workers, 1300–1399 store; the API host uses 2000–2099 (webhooks).
/// </summary>
internal static partial class Log
{
    [LoggerMessage(1000, LogLevel.Information, "Silo {SiloId} started on store {Location} with {PartitionCount} partitions")]
    public static partial void SiloStarted(ILogger logger, string siloId, string location, int partitionCount);

    [LoggerMessage(1001, LogLevel.Information, "Silo {SiloId} stopped and released its leases")]
    public static partial void SiloStopped(ILogger logger, string siloId);

    [LoggerMessage(1002, LogLevel.Information, "Acquired partitions {Partitions}")]
    public static partial void PartitionsAcquired(ILogger logger, string partitions);

    [LoggerMessage(1003, LogLevel.Warning, "Lost partition {Partition}: another silo owns it now")]
    public static partial void PartitionLost(ILogger logger, int partition);

    [LoggerMessage(1004, LogLevel.Error, "Renewing leases failed")]
    public static partial void LeaseRenewalFailed(ILogger logger, Exception exception);

    [LoggerMessage(1100, LogLevel.Error, "Partition {Partition} failed a round of commits; its inputs will be retried")]
    public static partial void PartitionRoundFailed(ILogger logger, int partition, Exception exception);

    [LoggerMessage(1101, LogLevel.Warning, "Commit of instance {InstanceId} failed; it will be reloaded from the store")]
    public static partial void InstanceCommitFailed(ILogger logger, string instanceId, Exception exception);

    [LoggerMessage(1102, LogLevel.Error, "Instance {InstanceId} diverged from its history and is failed: {Reason}")]
    public static partial void InstanceNonDeterministic(ILogger logger, string instanceId, string reason);

    [LoggerMessage(1103, LogLevel.Debug, "Dropped {Count} message(s) for instance {InstanceId}, which does not exist or has finished")]
    public static partial void MessagesDropped(ILogger logger, string instanceId, int count);

    [LoggerMessage(1104, LogLevel.Warning, "Instance {InstanceId} is stalled: {Reason}")]
    public static partial void InstanceStalled(ILogger logger, string instanceId, string reason);

    [LoggerMessage(1200, LogLevel.Error, "Delivering the result of {InstanceId} step {StepId} failed; the work item will run again")]
    public static partial void ResultDeliveryFailed(ILogger logger, string instanceId, int stepId, Exception exception);

    [LoggerMessage(1201, LogLevel.Error, "Claiming work items failed")]
    public static partial void ClaimFailed(ILogger logger, Exception exception);
}
