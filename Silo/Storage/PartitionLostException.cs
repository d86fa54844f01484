namespace Baton.Silo.Storage;

/// <summary>A commit was fenced off: another silo now owns the partition (its epoch moved on).</summary>
internal sealed class PartitionLostException(int partition, long epoch)
    : BatonException($"Partition {partition} (epoch {epoch}) is no longer owned by this silo.")
{
    public int Partition { get; } = partition;
}
