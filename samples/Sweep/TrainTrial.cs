using Microsoft.ML;
using Microsoft.ML.Data;
using Orleans.Runtime;

namespace Baton.Samples.Sweep;

/// <summary>
/// One trial: cross-validates an L-BFGS logistic regression (ML.NET) with the trial's regularisation on the bundled
/// data set, a fold at a time, heartbeating after each fold with its progress; answers the mean AUC and accuracy.
/// </summary>
public sealed class TrainTrial(ILocalSiloDetails silo) : Activity<TrialSpec, TrialResult>
{
    /// <summary>The data set, copied beside the assembly.</summary>
    public static readonly string DataPath = Path.Combine(AppContext.BaseDirectory, "data", "loans.csv");

    public override Task<TrialResult> RunAsync(ActivityContext context, TrialSpec trial) => Task.Run(() =>
    {
        var started = DateTime.UtcNow;
        var ml = new MLContext(seed: trial.Trial);
        var data = ml.Data.LoadFromTextFile<LoanRow>(DataPath, separatorChar: ',', hasHeader: true);
        var pipeline = ml.Transforms.Concatenate("Features", nameof(LoanRow.Income), nameof(LoanRow.DebtRatio), nameof(LoanRow.Age), nameof(LoanRow.LatePayments))
            .Append(ml.Transforms.NormalizeMinMax("Features"))
            .Append(ml.BinaryClassification.Trainers.LbfgsLogisticRegression(l1Regularization: trial.L1, l2Regularization: trial.L2));

        var aucs = new List<double>();
        var accuracies = new List<double>();
        var folds = ml.Data.CrossValidationSplit(data, trial.Folds, seed: 7);
        foreach (var fold in folds)
        {
            context.CancellationToken.ThrowIfCancellationRequested();
            var model = pipeline.Fit(fold.TrainSet);
            var metrics = ml.BinaryClassification.Evaluate(model.Transform(fold.TestSet));
            aucs.Add(metrics.AreaUnderRocCurve);
            accuracies.Add(metrics.Accuracy);
            context.Heartbeat(new { fold = aucs.Count, of = trial.Folds, auc = metrics.AreaUnderRocCurve });
        }

        return new TrialResult(trial.Trial, trial.L1, trial.L2, aucs.Average(), accuracies.Average(), silo.SiloAddress.ToString(), started, DateTime.UtcNow, aucs.Count);
    }, context.CancellationToken);

    /// <summary>One row of <c>loans.csv</c>.</summary>
    public sealed class LoanRow
    {
        [LoadColumn(0)]
        public float Income { get; set; }

        [LoadColumn(1)]
        public float DebtRatio { get; set; }

        [LoadColumn(2)]
        public float Age { get; set; }

        [LoadColumn(3)]
        public float LatePayments { get; set; }

        [LoadColumn(4), ColumnName("Label")]
        public bool Defaulted { get; set; }
    }
}
