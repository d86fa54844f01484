using Baton.Silo.Hosting;

namespace Baton.Samples.Sweep;

/// <summary>Registers the training sweep sample on a silo.</summary>
public static class SweepRegistration
{
    /// <summary>Registers <see cref="TrainingSweep"/>, <see cref="ChooseQueue"/> and <see cref="TrainTrial"/>.</summary>
    /// <param name="baton">The silo's Baton builder.</param>
    /// <returns>The builder.</returns>
    public static BatonBuilder AddTrainingSweep(this BatonBuilder baton)
    {
        ArgumentNullException.ThrowIfNull(baton);
        return baton.AddWorkflow<TrainingSweep>().AddActivity<ChooseQueue>().AddActivity<TrainTrial>();
    }
}
