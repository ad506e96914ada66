namespace MLNet.Cnn.Training;

/// <summary>
/// What a run needs to go on as if it had not stopped (<see cref="CheckpointOptions"/>), as plain values, so that it can be
/// read from a file and checked before anything is applied. Not saved, because a run derives it: the shuffled order of
/// an epoch (from the seed and the epochs: the loop shuffles again from the first), augmentation and batch mixing
/// (seeded by the seed, epoch and index), a schedule's state (rebuilt by replaying its epoch ends, see
/// <see cref="LearningRateSchedule"/>), the fixed settings (from the options).
/// </summary>
internal sealed class Checkpoint
{
    /// <summary>Lines that describe the run (network, seed, batch size, data): a resume needs the same (<see cref="CheckpointFingerprint"/>).</summary>
    public required IReadOnlyList<string> Fingerprint { get; init; }

    public required CheckpointPosition Position { get; init; }

    /// <summary>The epoch after <see cref="CheckpointPosition.Epoch"/> so far (empty at an epoch's end).</summary>
    public required EpochUnderWay UnderWay { get; init; }

    public required long ImagesSeen { get; init; }

    /// <summary>Training time so far, over all the runs that led here.</summary>
    public required TimeSpan Elapsed { get; init; }

    /// <summary>The rows of the finished epochs; their monitored losses replay the schedule's epoch ends.</summary>
    public required IReadOnlyList<EpochResult> Epochs { get; init; }

    /// <summary>Early stopping and best weights: the lowest monitored loss, its epoch, the epochs since.</summary>
    public required double BestLoss { get; init; }
    public required int? BestEpoch { get; init; }
    public required int SinceImprovement { get; init; }

    /// <summary>The time plan (<see cref="TrainerOptions.TimeLimit"/>): the plan, its second planning step, the epochs finished when the schedule was built over it.</summary>
    public required TrainingPlan Plan { get; init; }
    public required int ReplanAt { get; init; }
    public required int ScheduleFrom { get; init; }

    /// <summary>The optimizer: its learning rate, step count and per-parameter state (momentum, moments), in parameter order.</summary>
    public required float LearningRate { get; init; }
    public required int OptimizerSteps { get; init; }
    public required ParameterState?[] OptimizerState { get; init; }

    /// <summary>Parameters then buffers, in network order (<see cref="WeightSnapshot"/>): now, at the last good epoch end, and the best epoch's (null: none yet).</summary>
    public required float[][] Weights { get; init; }
    public required float[][] LastGood { get; init; }
    public required float[][]? Best { get; init; }

    /// <summary>The pruning masks (<see cref="TrainerOptions.Sparsity"/>), one bit per candidate weight, set where pruned; null without pruning.</summary>
    public required byte[][]? PruningMasks { get; init; }

    /// <summary><see cref="Layers.ICountedDraws.Draws"/> of each such layer, in network order.</summary>
    public required int[] Draws { get; init; }
}

/// <summary>
/// The running sums of an epoch stopped after some batches, so that the resumed epoch reports the means of all its batches:
/// its first step, the images seen, the sums of the loss and the metric over them, and its time so far.
/// </summary>
internal sealed record EpochUnderWay(int FirstStep, int Seen, double LossSum, double MetricSum, TimeSpan Elapsed);
