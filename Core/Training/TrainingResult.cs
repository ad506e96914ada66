namespace MLNet.Cnn.Training;

/// <summary>Why training stopped.</summary>
public enum StopReason
{
    /// <summary>All epochs ran.</summary>
    Completed,
    /// <summary>The validation loss stopped improving for <see cref="TrainerOptions.EarlyStoppingPatience"/> epochs.</summary>
    EarlyStopping,
    /// <summary><see cref="TrainerOptions.TimeLimit"/> was reached.</summary>
    TimeLimit,
    /// <summary>The cancellation token was cancelled; training stopped between two steps.</summary>
    Cancelled,
    /// <summary>The loss or the gradient became NaN or infinite; the network holds the last good weights.</summary>
    Diverged,
}

/// <summary>
/// One row per finished epoch. Classification fills the accuracies and regression the mean absolute errors (over all target
/// values); segmentation fills the accuracies with pixel accuracies (over the pixels that are not the ignore label; the
/// validation one from all the validation pixels at once), detection neither; the pair not filled is null, as are the validation figures without a validation set. <see cref="Sparsity"/> is the
/// share of the pruned weights at the epoch's end when training prunes (<see cref="TrainerOptions.Sparsity"/>), else null.
/// </summary>
public sealed record EpochResult(int Epoch, double Loss, double? Accuracy, double? MeanAbsoluteError,
    double? ValidationLoss, double? ValidationAccuracy, double? ValidationMeanAbsoluteError,
    double ImagesPerSecond, TimeSpan Duration, double? Sparsity = null);

/// <summary>
/// How a run ended, its epochs and its best epoch. A run resumed from a checkpoint (<see cref="TrainerOptions.Checkpoints"/>)
/// reports the whole run: the epochs before the checkpoint too, and the duration and rate over all the runs that led to it;
/// <see cref="ResumedFrom"/> names the checkpoint (null for a run that started from scratch).
/// </summary>
public sealed record TrainingResult(StopReason StopReason, string Message, IReadOnlyList<EpochResult> Epochs,
    int? BestEpoch, TimeSpan Duration, double ImagesPerSecond, ResumedCheckpoint? ResumedFrom = null);
