namespace MLNet.Cnn.Training;

/// <summary>
/// The steps of a data-parallel run, as <see cref="Trainer"/> lays them out for the same data and options: every epoch
/// reads <see cref="ImagesPerEpoch"/> images in global batches of <see cref="BatchSize"/>, the last one shorter (unless it
/// would hold a single image, which is left out, as the trainer does); one global batch is one optimizer step.
/// Step s (from 0) is batch s mod <see cref="BatchesPerEpoch"/> of epoch s / <see cref="BatchesPerEpoch"/> + 1.
/// </summary>
public sealed record DataParallelPlan
{
    /// <param name="imageCount">The training images.</param>
    /// <param name="batchSize">The global batch: the images of one step over all workers together (capped at <paramref name="imageCount"/>).</param>
    /// <param name="epochs">The passes over the images.</param>
    public DataParallelPlan(int imageCount, int batchSize, int epochs)
    {
        if (imageCount <= 0) throw new ArgumentException($"The training data must hold images; {imageCount} were given.", nameof(imageCount));
        if (batchSize <= 0) throw new ArgumentException($"The batch size must be positive; {batchSize} was given.", nameof(batchSize));
        if (epochs <= 0) throw new ArgumentException($"The epochs must be positive; {epochs} was given.", nameof(epochs));
        BatchSize = Math.Min(batchSize, imageCount);
        int rest = imageCount % BatchSize;
        if (rest == 1) rest = 0;
        BatchesPerEpoch = imageCount / BatchSize + (rest > 0 ? 1 : 0);
        ImagesPerEpoch = imageCount / BatchSize * BatchSize + rest;
        Epochs = epochs;
        TotalSteps = checked(epochs * BatchesPerEpoch);
    }

    /// <summary>The images of a full global batch.</summary>
    public int BatchSize { get; }
    /// <summary>Global batches (steps) per epoch.</summary>
    public int BatchesPerEpoch { get; }
    /// <summary>Images read per epoch.</summary>
    public int ImagesPerEpoch { get; }
    /// <summary>The passes over the images.</summary>
    public int Epochs { get; }
    /// <summary>The steps of the whole run.</summary>
    public int TotalSteps { get; }

    /// <summary>The epoch (from 1) and the batch within it (from 0) of <paramref name="step"/>.</summary>
    public (int Epoch, int Batch) Position(int step)
    {
        if (step < 0 || step >= TotalSteps) throw new ArgumentOutOfRangeException(nameof(step), step, $"The run has steps 0 … {TotalSteps - 1}.");
        return (step / BatchesPerEpoch + 1, step % BatchesPerEpoch);
    }

    /// <summary>The images of the global batch of <paramref name="step"/>: <see cref="BatchSize"/>, or fewer for an epoch's last.</summary>
    public int BatchLength(int step) => Math.Min(BatchSize, ImagesPerEpoch - Position(step).Batch * BatchSize);

    /// <summary>
    /// Worker <paramref name="worker"/>'s contiguous part [Start, End) of a global batch of <paramref name="batchLength"/>
    /// images cut into <paramref name="workers"/> parts that differ by at most one image (a part may be empty).
    /// </summary>
    public static (int Start, int End) Slice(int batchLength, int worker, int workers)
    {
        if (workers <= 0) throw new ArgumentException($"There must be at least one worker; {workers} were given.", nameof(workers));
        if (worker < 0 || worker >= workers) throw new ArgumentOutOfRangeException(nameof(worker), worker, $"Workers are 0 … {workers - 1}.");
        return ((int)((long)worker * batchLength / workers), (int)((long)(worker + 1) * batchLength / workers));
    }
}
