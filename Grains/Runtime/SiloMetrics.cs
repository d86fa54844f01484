namespace Baton.Grains.Runtime;

/// <summary>Running totals of the silo's work, for benchmarks and the dashboard.</summary>
internal sealed class SiloMetrics
{
    private long _turns;
    private long _events;

    public long TurnsCommitted => Interlocked.Read(ref _turns);

    public long EventsCommitted => Interlocked.Read(ref _events);

    public void OnTurnCommitted(int events)
    {
        Interlocked.Increment(ref _turns);
        Interlocked.Add(ref _events, events);
    }
}
