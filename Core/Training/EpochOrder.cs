namespace MLNet.Cnn.Training;

/// <summary>
/// The order the images of an epoch are read in: each epoch's order is shuffled from the one before, from the seed and
/// the epoch alone, so every process that starts from 0 … Count − 1 and shuffles epochs 1, 2, … holds the same orders
/// (<see cref="TrainingRun"/> and every data-parallel replica alike).
/// </summary>
internal static class EpochOrder
{
    /// <summary>Shuffles <paramref name="order"/> (the previous epoch's order) into epoch <paramref name="epoch"/>'s.</summary>
    // Not HashCode.Combine: it is seeded randomly per process, which would break run-to-run determinism.
    public static void Shuffle(int[] order, int seed, int epoch) => new Random(unchecked(seed * 1_000_003 + epoch)).Shuffle(order);
}
