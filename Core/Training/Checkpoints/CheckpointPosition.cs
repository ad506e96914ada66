namespace MLNet.Cnn.Training;

/// <summary>
/// Where a run stood when a checkpoint was written: <paramref name="Epoch"/> epochs finished, <paramref name="Batch"/>
/// batches of the next one trained (0 at an epoch's end), <paramref name="Step"/> optimizer steps in all.
/// </summary>
public sealed record CheckpointPosition(int Epoch, int Batch, int Step)
{
    /// <inheritdoc/>
    public override string ToString() => Batch == 0
        ? $"the end of epoch {Epoch} (step {Step})"
        : $"batch {Batch} of epoch {Epoch + 1} (step {Step})";
}

/// <summary>The checkpoint a run resumed from (<see cref="TrainingResult.ResumedFrom"/>): its file and where it stood.</summary>
public sealed record ResumedCheckpoint(string Path, CheckpointPosition Position);
