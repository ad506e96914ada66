using MLNet.Cnn.Tensors;

namespace MLNet.Cnn.Data;

/// <summary>
/// Samples read by index, a batch at a time: all that training (<see cref="Training.Trainer"/>) and evaluation need from
/// data. <see cref="ImageDataset"/> holds them in memory; other sources may decode files, stream, or read a
/// memory-mapped cache. The reader chooses the indices (training shuffles them with its seed), so the same seed gives
/// the same batches whatever the source. Gather is called from one thread at a time and fills caller-owned tensors,
/// so a source allocates nothing per batch; what a source does on its own worker threads is its business.
/// </summary>
public interface IBatchSource
{
    /// <summary>How many samples there are; indices run 0 … Count − 1.</summary>
    int Count { get; }

    /// <summary>The image geometry [C, H, W] and the kind of target (class labels and their names, or regression targets).</summary>
    SampleLayout Layout { get; }

    /// <summary>
    /// Copies the samples at <paramref name="indices"/> into <paramref name="images"/> [n, C, H, W] and
    /// <paramref name="targets"/> (<see cref="SampleLayout.TargetShape"/>(n)), sample indices[i] into row i.
    /// </summary>
    void Gather(ReadOnlySpan<int> indices, Tensor images, Tensor targets);

    /// <summary>
    /// Announces the reads that follow: batch b will be <see cref="Gather"/>(order[b·batchSize …]), the last one possibly
    /// shorter, so that a source that prefetches (decodes ahead on worker threads) can read along it. Training announces
    /// every epoch's order before its first batch, evaluation its pass. The memory stays as it is until those batches are
    /// read or the reader stops (it may stop early: cancellation, a time limit); a read that was not announced must work
    /// all the same. The default does nothing.
    /// </summary>
    void Plan(ReadOnlyMemory<int> order, int batchSize) { }
}
