using System.Collections.Concurrent;
using System.Diagnostics.Tracing;

namespace Baton.Bench;

/// <summary>
/// Samples the runtime's allocation ticks (one event per about 100 KB allocated, naming the type that crossed the mark) while
/// it is alive, and prints the types that took most: with <c>--allocations</c>, what the throughput run allocates.
/// </summary>
internal sealed class AllocationSampler : EventListener
{
    private const EventKeywords GcKeyword = (EventKeywords)0x1;
    private readonly ConcurrentDictionary<string, long> _bytes = new(StringComparer.Ordinal);
    private volatile bool _sampling;

    public AllocationSampler() => _sampling = true;

    protected override void OnEventSourceCreated(EventSource eventSource)
    {
        if (eventSource.Name == "Microsoft-Windows-DotNETRuntime")
        {
            EnableEvents(eventSource, EventLevel.Verbose, GcKeyword);
        }
    }

    protected override void OnEventWritten(EventWrittenEventArgs eventData)
    {
        if (!_sampling || eventData.EventName?.StartsWith("GCAllocationTick", StringComparison.Ordinal) != true || eventData.Payload is null)
        {
            return;
        }

        var type = eventData.PayloadNames!.IndexOf("TypeName") is var t and >= 0 ? eventData.Payload[t] as string ?? "?" : "?";
        var amount = eventData.PayloadNames.IndexOf("AllocationAmount64") is var a and >= 0 ? Convert.ToInt64(eventData.Payload[a], System.Globalization.CultureInfo.InvariantCulture) : 100_000;
        _bytes.AddOrUpdate(type, amount, (_, sum) => sum + amount);
    }

    /// <summary>Stops sampling and prints the <paramref name="top"/> types by sampled bytes, per unit of work.</summary>
    public void Print(int units, int top = 40)
    {
        _sampling = false;
        var total = _bytes.Values.Sum();
        foreach (var (type, bytes) in _bytes.OrderByDescending(p => p.Value).Take(top))
        {
            Console.WriteLine($"alloc {bytes * 100.0 / total,5:F1}% {bytes / 1024.0 / units,8:F2} KB/unit  {type}");
        }
    }
}
