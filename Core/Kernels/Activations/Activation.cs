using System.Runtime.CompilerServices;
using MLNet.Cnn.Tensors;

namespace MLNet.Cnn.Kernels;

/// <summary>Which tensor of the forward pass <see cref="Activation.Backward(Tensor, Tensor, Tensor)"/> needs.</summary>
public enum SavedTensor
{
    /// <summary>The forward input x.</summary>
    Input,
    /// <summary>The forward output y = f(x).</summary>
    Output,
}

/// <summary>
/// Base of the point-wise activations y = f(x), applied to every element of a tensor of any shape.
/// A concrete activation supplies f over one tile (composed of TensorPrimitives calls) and f′ as an
/// <see cref="IBinaryVectorOperator"/> of (saved, dy) for <see cref="VectorLoop"/>; this class owns the
/// argument checks, the tiling and the threading. <see cref="ActivationsReference"/> is the specification.
/// </summary>
public abstract unsafe class Activation
{
    /// <summary>Elements per tile: the operands of one tile stay in L1 between the passes of a composed f.</summary>
    private const int Tile = 2048;

    private protected Activation() { }

    /// <summary>The tensor <see cref="Backward(Tensor, Tensor, Tensor)"/> takes as <c>saved</c>.</summary>
    public abstract SavedTensor BackwardUses { get; }

    // x [any shape], y [shape of x, separate storage]:  y = f(x)
    /// <summary>y = f(x), element by element.</summary>
    /// <param name="x">The input, any shape.</param>
    /// <param name="y">The output: the shape of <paramref name="x"/>, separate storage.</param>
    public void Forward(Tensor x, Tensor y) => Forward(x, y, VectorLoop.DefaultWidth);

    /// <summary>The forward pass at a given vector width, for the activations that run their own vector loop (tests run both).</summary>
    internal void Forward(Tensor x, Tensor y, VectorWidth width)
    {
        ArgumentNullException.ThrowIfNull(x);
        Require.SameShape(y, x, nameof(y), nameof(x));
        Require.Distinct(y, x, nameof(y), nameof(x));
        nint px = (nint)x.Pointer, py = (nint)y.Pointer;
        PlaneParallel.For(x.Length, 1, (start, end) =>
        {
            for (int i = start; i < end; i += Tile)
            {
                int n = Math.Min(Tile, end - i);
                ForwardTile(new ReadOnlySpan<float>((float*)px + i, n), new Span<float>((float*)py + i, n), width);
            }
        });
    }

    // saved [x or y of the forward pass, as BackwardUses says], dy [shape of saved], dx [shape of saved; may be dy]:
    //   dx = dy · f′(x)
    /// <summary>dx = dy · f′(x), element by element.</summary>
    /// <param name="saved">The forward pass's input or output, as <see cref="BackwardUses"/> says.</param>
    /// <param name="dy">∂L/∂y, the shape of <paramref name="saved"/>.</param>
    /// <param name="dx">∂L/∂x, the shape of <paramref name="saved"/>; may be <paramref name="dy"/> itself.</param>
    public void Backward(Tensor saved, Tensor dy, Tensor dx) => Backward(saved, dy, dx, VectorLoop.DefaultWidth);

    internal void Backward(Tensor saved, Tensor dy, Tensor dx, VectorWidth width)
    {
        ArgumentNullException.ThrowIfNull(saved);
        Require.SameShape(dy, saved, nameof(dy), nameof(saved));
        Require.SameShape(dx, saved, nameof(dx), nameof(saved));
        nint ps = (nint)saved.Pointer, pdy = (nint)dy.Pointer, pdx = (nint)dx.Pointer;
        PlaneParallel.For(saved.Length, 1, (start, end) =>
        {
            for (int i = start; i < end; i += Tile)
            {
                int n = Math.Min(Tile, end - i);
                BackwardTile(new ReadOnlySpan<float>((float*)ps + i, n), new ReadOnlySpan<float>((float*)pdy + i, n),
                    new Span<float>((float*)pdx + i, n), width);
            }
        });
    }

    /// <summary>v = f(v) in place over a whole tensor, split over the threads.</summary>
    internal void ForwardInPlace(Tensor values)
    {
        nint pv = (nint)values.Pointer;
        PlaneParallel.For(values.Length, 1, (start, end) => ForwardInPlace((float*)pv + start, end - start));
    }

    /// <summary>
    /// v = f(v) in place, on the calling thread: the epilogue of a kernel that has just written v (a convolution's output
    /// rows, still in cache). Each stretch is copied to the stack first, since <see cref="ForwardTile"/> may not overlap; the
    /// stack buffer is not zeroed (every float read is copied in first), which cost a 2 KB memset per call.
    /// </summary>
    [SkipLocalsInit]
    internal void ForwardInPlace(float* values, long count)
    {
        if (TilesInPlace)
        {
            for (long i = 0; i < count; i += int.MaxValue / 2)
            {
                var run = new Span<float>(values + i, (int)Math.Min(int.MaxValue / 2, count - i));
                ForwardTile(run, run, VectorLoop.DefaultWidth);
            }
            return;
        }
        const int Stretch = 512;
        float* copy = stackalloc float[Stretch];
        for (long i = 0; i < count; i += Stretch)
        {
            int n = (int)Math.Min(Stretch, count - i);
            var source = new Span<float>(copy, n);
            new ReadOnlySpan<float>(values + i, n).CopyTo(source);
            ForwardTile(source, new Span<float>(values + i, n), VectorLoop.DefaultWidth);
        }
    }

    /// <summary>
    /// y = f(x) over one tile; y does not overlap x, or is x itself where <see cref="TilesInPlace"/>. The width is for those
    /// that run <see cref="VectorLoop"/>; TensorPrimitives picks its own.
    /// </summary>
    private protected abstract void ForwardTile(ReadOnlySpan<float> x, Span<float> y, VectorWidth width);

    /// <summary>
    /// Whether <see cref="ForwardTile"/> may write y over x itself: it reads each x[i] only before writing y[i] (one element-wise
    /// pass, or passes over y after the first). <see cref="ForwardInPlace(float*, long)"/> then skips its copy to the stack, which was most of
    /// the epilogue's time on small maps (MobileNetV2's 2×2 depthwise layers run one 64-float block at a time).
    /// </summary>
    private protected virtual bool TilesInPlace => false;

    /// <summary>dx = dy · f′ over one tile, from the tensor <see cref="BackwardUses"/> names.</summary>
    private protected abstract void BackwardTile(ReadOnlySpan<float> saved, ReadOnlySpan<float> dy, Span<float> dx,
        VectorWidth width);

    /// <inheritdoc/>
    public override string ToString() => GetType().Name;
}
