using System.Text;

namespace Baton.Silo.Runtime;

/// <summary>Maps instance ids to partitions with a stable hash (FNV-1a over UTF-8), the same on every machine and version.</summary>
internal static class PartitionMap
{
    public static int PartitionOf(string instanceId, int partitionCount)
    {
        Span<byte> buffer = stackalloc byte[1024];
        var bytes = Encoding.UTF8.GetByteCount(instanceId) <= buffer.Length
            ? buffer[..Encoding.UTF8.GetBytes(instanceId, buffer)]
            : Encoding.UTF8.GetBytes(instanceId);

        var hash = 2166136261u;
        foreach (var b in bytes)
        {
            hash = (hash ^ b) * 16777619u;
        }

        return (int)(hash % (uint)partitionCount);
    }
}
