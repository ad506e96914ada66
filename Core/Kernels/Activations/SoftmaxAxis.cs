using MLNet.Cnn.Tensors;
using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;

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

    /// <summary>
    /// The max-shift shared by softmax and log-softmax over one contiguous row: y = x − max(x), then, if
    /// <paramref name="exponentiate"/>, y = e^y (softmax's numerators). Returns Σ e^(x − max(x)).
    /// </summary>
    public static float ShiftByMax(ReadOnlySpan<float> x, Span<float> y, bool exponentiate)
    {
        TensorPrimitives.Subtract(x, TensorPrimitives.Max(x), y);
        if (exponentiate)
        {
            TensorPrimitives.Exp(y, y);
            return TensorPrimitives.Sum(y);
        }
        Span<float> exp = stackalloc float[Block];
        float sum = 0f;
        for (int i = 0; i < y.Length; i += Block)
        {
            int n = Math.Min(Block, y.Length - i);
            TensorPrimitives.Exp(y.Slice(i, n), exp[..n]);
            sum += TensorPrimitives.Sum(exp[..n]);
        }
        return sum;
    }

    /// <summary>
    /// The same over one block of the strided path: <paramref name="count"/> positions whose class-c entries start at
    /// x + c·<see cref="Inner"/> and y + c·Inner. Per position: y_c = x_c − max_k x_k (or e^ of it, if
    /// <paramref name="exponentiate"/>), and sum = Σ_c e^(x_c − max_k x_k); sum has count entries.
    /// </summary>
    public unsafe void ShiftByMax(float* x, float* y, int count, Span<float> sum, bool exponentiate)
    {
        Span<float> max = stackalloc float[Block], exp = stackalloc float[Block];
        max = max[..count];
        exp = exp[..count];
        new ReadOnlySpan<float>(x, count).CopyTo(max);
        for (int c = 1; c < Classes; c++)
            TensorPrimitives.Max(max, new ReadOnlySpan<float>(x + (long)c * Inner, count), max);
        sum.Clear();
        for (int c = 0; c < Classes; c++)
        {
            var yc = new Span<float>(y + (long)c * Inner, count);
            TensorPrimitives.Subtract(new ReadOnlySpan<float>(x + (long)c * Inner, count), max, yc);
            var e = exponentiate ? yc : exp;
            TensorPrimitives.Exp(yc, e);
            TensorPrimitives.Add(sum, e, sum);
        }
    }
}
