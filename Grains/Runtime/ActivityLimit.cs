namespace Baton;

/// <summary>
/// A cluster-wide limit on activity executions, for one activity type (<see cref="BatonOptions.ActivityLimits"/>) or one
/// queue (<see cref="BatonOptions.QueueLimits"/>): at most <see cref="MaxConcurrent"/> at once and at most
/// <see cref="PerSecond"/> starts a second, counted over every silo. Set the same limits on every silo.
/// </summary>
public sealed class ActivityLimit
{
    /// <summary>The most executions running at once across the cluster; null for no limit.</summary>
    public int? MaxConcurrent { get; set; }

    /// <summary>The most starts a second across the cluster, spaced evenly (no bursts); null for no limit.</summary>
    public double? PerSecond { get; set; }
}
