using System.ComponentModel.DataAnnotations;

namespace Baton.Samples.Sweep;

/// <summary>A sweep: every pair of the L1 and L2 regularisation strengths is one trial, cross-validated over <see cref="Folds"/> folds.</summary>
public sealed record SweepRequest
{
    /// <summary>L1 strengths to try.</summary>
    [Required, MinLength(1)]
    public List<float> L1 { get; init; } = [0f, 0.1f, 1f];

    /// <summary>L2 strengths to try.</summary>
    [Required, MinLength(1)]
    public List<float> L2 { get; init; } = [0.01f, 0.1f, 1f, 10f, 100f];

    /// <summary>Cross-validation folds per trial; each fold is one heartbeat with progress.</summary>
    [Range(2, 20)]
    public int Folds { get; init; } = 5;

    /// <summary>Trials running at once, at most. Default: 4.</summary>
    [Range(1, 256)]
    public int MaxParallel { get; init; } = 4;
}

/// <summary>One trial's settings.</summary>
public sealed record TrialSpec(int Trial, float L1, float L2, int Folds);

/// <summary>One trial's scores, averaged over its folds; the silo it ran on, when, and how many heartbeats it sent.</summary>
public sealed record TrialResult(int Trial, float L1, float L2, double Auc, double Accuracy, string RanOn, DateTime Started, DateTime Finished, int Heartbeats);

/// <summary>The sweep's report: the queue its trials ran on, the best trial (by AUC) and all of them.</summary>
public sealed record SweepReport(string Queue, TrialResult Best, IReadOnlyList<TrialResult> Trials);
