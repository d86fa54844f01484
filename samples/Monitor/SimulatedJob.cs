namespace Baton.Samples.Monitor;

/// <summary>The demo's outside job: queued, then running in steps of 20 %, then done, one step every few seconds.</summary>
internal sealed class SimulatedJob(TimeProvider time, TimeSpan step)
{
    private static readonly string[] Statuses = ["queued", "running 20%", "running 40%", "running 60%", "running 80%", "done"];
    private readonly long _started = time.GetTimestamp();

    public string Status => Statuses[Math.Min(Statuses.Length - 1, (int)(time.GetElapsedTime(_started) / step))];
}
