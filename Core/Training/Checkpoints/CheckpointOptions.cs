namespace MLNet.Cnn.Training;

/// <summary>
/// Checkpoints of a training run (<see cref="TrainerOptions.Checkpoints"/>), so that a run that crashes, is killed or is
/// cancelled can go on later from where it was: a run started again with the same network, data and options over the same
/// <see cref="Directory"/> resumes from the newest checkpoint and ends with the weights and epoch results, bit for bit,
/// that the run would have had without the interruption. A checkpoint holds the parameters and buffers, the last good
/// and best weights, the optimizer's state, the pruning masks, the counters and running sums of the loop, the epoch rows
/// and each dropout layer's count of draws (<see cref="Layers.ICountedDraws"/>); the rest (shuffled orders, augmentation,
/// a schedule's state) a run derives from the seed and the epoch rows.
/// <para>Checkpoints are written at the end of every <see cref="EveryEpochs"/>-th epoch, after a batch once <see cref="Every"/>
/// has passed since the last one, and where a cancelled run stopped. Each is a file of its own,
/// <c>checkpoint-e0003-s000120.ckpt</c> (epochs finished, optimizer steps), with a SHA-256 checksum, written whole under a
/// temporary name, flushed to the disk and then renamed, so a crash never leaves a half-written checkpoint; the newest
/// <see cref="Keep"/> stay. A checkpoint that cannot be written (a full disk) is reported to <see cref="Log"/> and training
/// goes on.</para>
/// <para>The time limit (<see cref="TrainerOptions.TimeLimit"/>) counts the training time before the resume too. Epochs may be
/// raised on a resume to train further: the schedule is then laid out over the new number of epochs.</para>
/// </summary>
public sealed record CheckpointOptions
{
    /// <summary>The folder of the checkpoints, created if missing. One run per folder: a checkpoint of another network or data is refused.</summary>
    public required string Directory { get; init; }

    /// <summary>Write a checkpoint at the end of every this many epochs (1: every epoch).</summary>
    public int EveryEpochs { get; init; } = 1;

    /// <summary>Also write one after a batch once this much time has passed since the last checkpoint (null: only at epoch ends).</summary>
    public TimeSpan? Every { get; init; }

    /// <summary>How many of the newest checkpoints stay; older ones are deleted. Two, so that one is left if the newest is damaged.</summary>
    public int Keep { get; init; } = 2;

    /// <summary>
    /// Continue from the newest readable checkpoint in <see cref="Directory"/>, if there is one (a damaged one is skipped with a
    /// warning, and the one before it is tried). False: start from scratch and delete the checkpoints the folder holds.
    /// </summary>
    public bool Resume { get; init; } = true;

    /// <summary>Where the checkpoints report what they do: the checkpoint resumed from, damaged files skipped, failed writes.</summary>
    public Action<string>? Log { get; init; }

    internal void Validate()
    {
        const string prefix = nameof(TrainerOptions.Checkpoints) + ".";
        if (string.IsNullOrWhiteSpace(Directory))
            throw new ArgumentException($"{prefix}{nameof(Directory)} must name a folder; '{Directory}' was given.", prefix + nameof(Directory));
        if (EveryEpochs <= 0)
            throw new ArgumentException($"{prefix}{nameof(EveryEpochs)} must be positive; {EveryEpochs} was given.", prefix + nameof(EveryEpochs));
        if (Every is { } every && every <= TimeSpan.Zero)
            throw new ArgumentException($"{prefix}{nameof(Every)} must be positive (or null: only at epoch ends); {every} was given.", prefix + nameof(Every));
        if (Keep <= 0)
            throw new ArgumentException($"{prefix}{nameof(Keep)} must be at least 1; {Keep} was given.", prefix + nameof(Keep));
    }
}
