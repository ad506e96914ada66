namespace MLNet.Cnn.Training;

/// <summary>
/// What <see cref="Trainer"/> reports through <see cref="TrainerOptions.Progress"/>: during an epoch (running
/// means over the epoch so far) and, with <see cref="IsEpochEnd"/>, once the epoch and its validation are done.
/// Beside the loss, classification reports <see cref="Accuracy"/> and regression <see cref="MeanAbsoluteError"/>
/// (mean |prediction − target| over all target values); the other one is null. Segmentation reports its pixel accuracy
/// (correct pixels over the pixels that are not the ignore label) as <see cref="Accuracy"/>; detection reports the loss
/// alone (both null: measure its mAP after training with <see cref="Detection.DetectionEvaluation"/>). <see cref="Sparsity"/>, when training
/// prunes, is the share of the candidate weights pruned so far.
/// </summary>
public sealed record TrainingProgress(
    int Epoch, int Epochs, int Batch, int BatchesPerEpoch,
    double Loss, double? Accuracy, double? MeanAbsoluteError, float LearningRate, double ImagesPerSecond,
    TimeSpan Elapsed, TimeSpan Remaining,
    double? ValidationLoss = null, double? ValidationAccuracy = null, double? ValidationMeanAbsoluteError = null,
    bool IsEpochEnd = false, double? Sparsity = null)
{
    /// <inheritdoc/>
    public override string ToString()
    {
        string validation = ValidationLoss is { } vl
            ? $"  val_loss {vl:F4}{Metric("val_acc", ValidationAccuracy)}{Metric("val_mae", ValidationMeanAbsoluteError)}"
            : "";
        return $"epoch {Epoch}/{Epochs}  batch {Batch}/{BatchesPerEpoch}  loss {Loss:F4}{Metric("acc", Accuracy)}{Metric("mae", MeanAbsoluteError)}" +
               $"{validation}{Metric("sparsity", Sparsity)}  lr {LearningRate:G3}  {ImagesPerSecond:F0} img/s  elapsed {Format(Elapsed)}  left {Format(Remaining)}";
    }

    private static string Metric(string name, double? value) => value is { } v ? $"  {name} {v:F4}" : "";

    private static string Format(TimeSpan t) => t.TotalHours >= 1 ? t.ToString(@"h\:mm\:ss") : t.ToString(@"m\:ss");
}
