using System.Diagnostics.Metrics;

namespace Baton.Api.Dashboard;

/// <summary>
/// The dashboard's live figures: Baton's own instruments (<see cref="BatonTelemetry.MeterName"/>), as this process records
/// them, summed per second over the last ten minutes. It listens through a <see cref="MeterListener"/>, so it needs no
/// OpenTelemetry set-up and costs one bucket update per measurement. A front end without a silo records nothing: its
/// figures come from the silos, which this view does not gather.
/// </summary>
internal sealed class DashboardMetrics : IDisposable
{
    /// <summary>How many seconds are kept.</summary>
    public const int Seconds = 600;

    private readonly MeterListener _listener = new();
    private readonly Bucket[] _buckets = new Bucket[Seconds];
    private readonly TimeProvider _time;

    public DashboardMetrics(TimeProvider time)
    {
        _time = time;
        for (var i = 0; i < _buckets.Length; i++)
        {
            _buckets[i] = new Bucket();
        }

        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == BatonTelemetry.MeterName && instrument.Name is BatonTelemetry.Starts or BatonTelemetry.Completions
                or BatonTelemetry.Failures or BatonTelemetry.ActivityDuration or BatonTelemetry.TurnDuration or BatonTelemetry.ActivityRetries)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Record(instrument.Name, value, tags));
        _listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Record(instrument.Name, value, tags));
        _listener.Start();
    }

    /// <summary>The last <paramref name="seconds"/> whole seconds, oldest first; the current, unfinished second is left out.</summary>
    public IReadOnlyList<SecondFigures> Last(int seconds)
    {
        var now = _time.GetUtcNow().ToUnixTimeSeconds();
        var figures = new List<SecondFigures>(seconds);
        for (var second = now - Math.Clamp(seconds, 1, Seconds - 1); second < now; second++)
        {
            var bucket = _buckets[second % Seconds];
            lock (bucket)
            {
                figures.Add(bucket.Second == second
                    ? new SecondFigures(second, bucket.Starts, bucket.Completions, bucket.Failures, bucket.Steps, bucket.Retries,
                        bucket.Steps == 0 ? null : bucket.StepMilliseconds / bucket.Steps, bucket.Turns == 0 ? null : bucket.TurnMilliseconds / bucket.Turns)
                    : new SecondFigures(second, 0, 0, 0, 0, 0, null, null));
            }
        }

        return figures;
    }

    public void Dispose() => _listener.Dispose();

    private void Record(string instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var second = _time.GetUtcNow().ToUnixTimeSeconds();
        var bucket = _buckets[second % Seconds];
        lock (bucket)
        {
            if (bucket.Second != second)
            {
                bucket.Reset(second);
            }

            switch (instrument)
            {
                case BatonTelemetry.Starts:
                    bucket.Starts += (long)value;
                    break;
                case BatonTelemetry.Completions:
                    bucket.Completions += (long)value;
                    break;
                case BatonTelemetry.Failures:
                    bucket.Failures += (long)value;
                    break;
                case BatonTelemetry.ActivityRetries:
                    bucket.Retries += (long)value;
                    break;
                case BatonTelemetry.ActivityDuration:
                    bucket.Steps++;
                    bucket.StepMilliseconds += value;
                    break;
                case BatonTelemetry.TurnDuration:
                    bucket.Turns++;
                    bucket.TurnMilliseconds += value;
                    break;
            }
        }
    }

    private sealed class Bucket
    {
        public long Second = -1;
        public long Starts;
        public long Completions;
        public long Failures;
        public long Retries;
        public long Steps;
        public double StepMilliseconds;
        public long Turns;
        public double TurnMilliseconds;

        public void Reset(long second)
        {
            Second = second;
            Starts = Completions = Failures = Retries = Steps = Turns = 0;
            StepMilliseconds = TurnMilliseconds = 0;
        }
    }
}

/// <summary>One second's figures.</summary>
/// <param name="Second">The second, in Unix time.</param>
/// <param name="Starts">Instances started.</param>
/// <param name="Completions">Instances that finished (any final status).</param>
/// <param name="Failures">Instances that failed.</param>
/// <param name="Steps">Activity attempts that ended.</param>
/// <param name="Retries">Activity attempts retried.</param>
/// <param name="StepLatencyMs">The mean activity attempt's duration, if any ended.</param>
/// <param name="TurnLatencyMs">The mean workflow turn's duration, if any ran.</param>
internal sealed record SecondFigures(long Second, long Starts, long Completions, long Failures, long Steps, long Retries, double? StepLatencyMs, double? TurnLatencyMs);
