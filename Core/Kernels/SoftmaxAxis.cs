using MLNet.Cnn.Tensors;

namespace MLNet.Cnn.Kernels;

/// <summary>
/// A tensor seen as [outer, classes, inner] around the axis <see cref="Softmax"/> and <see cref="LogSoftmax"/>
/// normalize over: outer = product of the dims before the axis, inner = product of the dims after it.
/// [N, C] over axis 1 is [N, C, 1] (contiguous rows); [N, C, H, W] over axis 1 (pixel-wise) is [N, C, H·W],
/// whose classes are H·W apart, so the kernels work on blocks of positions with one plane per class.
/// </summary>
internal readonly record struct SoftmaxAxis(int Outer, int Classes, int Inner)
{
    /// <summary>Positions per block of the strided path: its running max and sum live on the stack.</summary>
    public const int Block = 512;

    /// <summary>The geometry of <paramref name="x"/> around <paramref name="axis"/> ∈ [−rank, rank).</summary>
    public static SoftmaxAxis Of(Tensor x, int axis)
    {
        ArgumentNullException.ThrowIfNull(x);
        int rank = x.Shape.Rank;
        if (axis < -rank || axis >= rank)
            throw new ArgumentException($"axis must be in [{-rank}, {rank}) for x of shape {x.Shape}; {axis} was given.",
                nameof(axis));
        if (axis < 0) axis += rank;
        int inner = x.Shape.SizeFrom(axis + 1);
        return new SoftmaxAxis(x.Length / (x.Shape[axis] * inner), x.Shape[axis], inner);
    }

    /// <summary>
    /// Calls <paramref name="row"/>(r) for each of the Outer contiguous rows when Inner = 1, otherwise
    /// <paramref name="block"/>(offset, count) for each block of ≤ <see cref="Block"/> positions, offset being the
    /// element index of its class-0 entry; split over threads when large.
    /// </summary>
    public void For(Action<int> row, Action<long, int> block)
    {
        if (Inner == 1)
        {
            PlaneParallel.For(Outer, Classes, (r0, r1) =>
            {
                for (int r = r0; r < r1; r++) row(r);
            });
            return;
        }
        int blocksPerOuter = (Inner + Block - 1) / Block, classes = Classes, inner = Inner;
        PlaneParallel.For(Outer * blocksPerOuter, (long)Classes * Math.Min(Block, Inner), (b0, b1) =>
        {
            for (int b = b0; b < b1; b++)
            {
                int o = b / blocksPerOuter, j = b % blocksPerOuter * Block;
                block((long)o * classes * inner + j, Math.Min(Block, inner - j));
            }
        });
    }
}
