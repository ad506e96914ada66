using MLNet.Cnn.Training;

namespace MLNet.Cnn.Samples;

/// <summary>
/// Records the training loss from the trainer's progress reports while passing them on (e.g. to <see cref="TrainingProgressBar"/>):
/// a report holds the running mean over its epoch so far, so the mean over the batches since the previous point is
/// (mean_b·b − mean_a·a) / (b − a) — one point per <paramref name="every"/> batches (or more, at the first report past
/// them), at the images seen so far, whatever the reports' interval (the last batches of an epoch, after its last point,
/// are left out).
/// </summary>
internal sealed class LossRecorder(IProgress<TrainingProgress> next, int batchSize, int every) : IProgress<TrainingProgress>
{
    private readonly List<(double Images, double Loss)> _points = [];
    private int _previousBatch;
    private double _previousMean;

    /// <summary>(images seen, mean loss over the interval that ended there).</summary>
    public IReadOnlyList<(double Images, double Loss)> Points => _points;

    public void Report(TrainingProgress value)
    {
        next.Report(value);
        // The epoch-end report repeats the epoch's mean, and after a time limit names the planned last batch rather
        // than the one reached: it only closes the epoch.
        if (value.IsEpochEnd)
        {
            (_previousBatch, _previousMean) = (0, 0);
            return;
        }
        if (value.Batch >= _previousBatch + every && double.IsFinite(value.Loss))
        {
            double interval = (value.Loss * value.Batch - _previousMean * _previousBatch) / (value.Batch - _previousBatch);
            _points.Add((((double)(value.Epoch - 1) * value.BatchesPerEpoch + value.Batch) * batchSize, interval));
            (_previousBatch, _previousMean) = (value.Batch, value.Loss);
        }
    }
}
