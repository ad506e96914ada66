using System.Buffers;
using MLNet.Cnn.Tensors;

namespace MLNet.Cnn.Data;

/// <summary>
/// The samples of another source at <paramref name="indices"/>, read through it (nothing is copied): sample i is sample
/// indices[i] of the source. Every <see cref="IBatchSource"/> is read by index, so every source can be split this way
/// (see <see cref="Split"/>), which is how the trainer holds out <see cref="Training.TrainerOptions.ValidationFraction"/>.
/// </summary>
internal sealed class SubsetSource(IBatchSource source, int[] indices) : IBatchSource
{
    public int Count => indices.Length;

    public SampleLayout Layout => source.Layout;

    public void Gather(ReadOnlySpan<int> rows, Tensor images, Tensor targets)
    {
        var mapped = ArrayPool<int>.Shared.Rent(rows.Length);
        try
        {
            for (int i = 0; i < rows.Length; i++) mapped[i] = indices[rows[i]];
            source.Gather(mapped.AsSpan(0, rows.Length), images, targets);
        }
        finally { ArrayPool<int>.Shared.Return(mapped); }
    }

    public void Plan(ReadOnlyMemory<int> order, int batchSize)
    {
        var mapped = new int[order.Length];
        for (int i = 0; i < mapped.Length; i++) mapped[i] = indices[order.Span[i]];
        source.Plan(mapped, batchSize);
    }

    /// <summary>
    /// The seeded, stratification-free split of <paramref name="count"/> samples: 0 … count − 1 shuffled by
    /// <c>new Random(seed)</c>; the first round(count · fraction) of them (at least one) validate, the others train.
    /// </summary>
    public static (int[] Train, int[] Validation) SplitIndices(int count, double validationFraction, int seed)
    {
        if (validationFraction is <= 0 or >= 1)
            throw new ArgumentException($"validationFraction must be in (0, 1); {validationFraction} was given.", nameof(validationFraction));
        var order = Enumerable.Range(0, count).ToArray();
        new Random(seed).Shuffle(order);
        int validation = Math.Max(1, (int)Math.Round(count * validationFraction));
        return (order[validation..], order[..validation]);
    }

    /// <summary><see cref="SplitIndices"/> over a source, as two views of it.</summary>
    public static (IBatchSource Train, IBatchSource Validation) Split(IBatchSource source, double validationFraction, int seed)
    {
        var (train, validation) = SplitIndices(source.Count, validationFraction, seed);
        return (new SubsetSource(source, train), new SubsetSource(source, validation));
    }
}
