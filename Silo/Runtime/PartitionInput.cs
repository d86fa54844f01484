using Baton.Grains.Registry;
using Baton.History;
using Baton.Silo.Storage;

namespace Baton.Silo.Runtime;

/// <summary>Something a partition must process for one of its instances.</summary>
internal abstract record PartitionInput(string InstanceId);

/// <summary>A start from a client in this process, answered once the new instance is durable.</summary>
internal sealed record StartRequest(string InstanceId, WorkflowRegistration Workflow, string? Input, InstanceIdReusePolicy IfExists)
    : PartitionInput(InstanceId)
{
    public TaskCompletionSource<string> Reply { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}

/// <summary>An activity result from this silo's workers, handed over in memory; its work item is deleted by the commit that records it.</summary>
internal sealed record ActivityResult(WorkItem Item, HistoryEvent Result) : PartitionInput(Item.InstanceId);

/// <summary>A message read from the store (a start, a timer, a result from another silo); deleted by the commit that consumes it.</summary>
internal sealed record StoredMessage(InboxMessage Message) : PartitionInput(Message.InstanceId);

/// <summary>Wakes the partition to look in the store.</summary>
internal sealed record PollSignal() : PartitionInput(string.Empty)
{
    public static readonly PollSignal Instance = new();
}
