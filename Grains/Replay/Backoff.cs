namespace Baton.Grains.Replay;

/// <summary>Exponential backoff with jitter that is the same on every replay: the randomness comes from a seed, not a clock.</summary>
internal static class Backoff
{
    /// <summary>The wait after attempt <paramref name="attempt"/> (1-based).</summary>
    public static TimeSpan Delay(int attempt, TimeSpan first, double coefficient, TimeSpan max, double jitter, string seed)
    {
        var baseTicks = Math.Min(first.Ticks * Math.Pow(coefficient, attempt - 1), max.Ticks);
        if (jitter > 0)
        {
            // A uniform value in [-1, 1) from the seed's name-based GUID.
            var bytes = DeterministicGuid.Create(seed).ToByteArray();
            var unit = BitConverter.ToUInt32(bytes, 0) / (double)uint.MaxValue * 2 - 1;
            baseTicks *= 1 + jitter * unit;
        }

        return TimeSpan.FromTicks((long)Math.Clamp(baseTicks, 0, max.Ticks));
    }
}
