namespace MLNet.Cnn.Training;

/// <summary>
/// What <see cref="Trainer"/> reports through <see cref="TrainerOptions.Progress"/>: during an epoch (running
/// means over the epoch so far) and, with <see cref="IsEpochEnd"/>, once the epoch and its validation are done.
/// </summary>
public sealed record TrainingProgress(
    int Epoch, int Epochs, int Batch, int BatchesPerEpoch,
    double Loss, double Accuracy, float LearningRate, double ImagesPerSecond,
    TimeSpan Elapsed, TimeSpan Remaining,
    double? ValidationLoss = null, double? ValidationAccuracy = null, bool IsEpochEnd = false)
{
    public override string ToString()
    {
        string validation = ValidationLoss is { } vl ? $"  val_loss {vl:F4}  val_acc {ValidationAccuracy:F4}" : "";
        return $"epoch {Epoch}/{Epochs}  batch {Batch}/{BatchesPerEpoch}  loss {Loss:F4}  acc {Accuracy:F4}{validation}  " +
               $"lr {LearningRate:G3}  {ImagesPerSecond:F0} img/s  elapsed {Format(Elapsed)}  left {Format(Remaining)}";
    }

    private static string Format(TimeSpan t) => t.TotalHours >= 1 ? t.ToString(@"h\:mm\:ss") : t.ToString(@"m\:ss");
}
