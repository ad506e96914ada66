using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;
using MLNet.Cnn.Tensors;

namespace MLNet.Cnn.Kernels;

/// <summary>
/// PReLU: <see cref="LeakyReLU"/> with a learned slope, one per channel (axis 1) or one shared by all elements.
///   x, y, dy, dx   [N, C, …] (rank ≥ 2: [N, C] or [N, C, H, W]); a "plane" is one (n, c): the trailing dims
///   slope, dSlope  [C] or [1]
/// </summary>
internal static unsafe class PReLU
{
    private const int Tile = 2048;

    // x [N, C, …], slope [C] or [1], y [shape of x]:
    //   y[n, c, i] = x[n, c, i] > 0 ? x[n, c, i] : slope[c]·x[n, c, i]
    public static void Forward(Tensor x, Tensor slope, Tensor y)
    {
        var (planes, planeSize, channels) = Check(x, slope);
        Require.SameShape(y, x, nameof(y), nameof(x));
        Require.Distinct(y, x, nameof(y), nameof(x));
        nint px = (nint)x.Pointer, ps = (nint)slope.Pointer, py = (nint)y.Pointer;
        int slopes = slope.Length;
        PlaneParallel.For(planes, planeSize, (p0, p1) =>
        {
            for (int p = p0; p < p1; p++)
                LeakyReLU.Apply(new ReadOnlySpan<float>((float*)px + (long)p * planeSize, planeSize),
                    ((float*)ps)[SlopeIndex(p, channels, slopes)],
                    new Span<float>((float*)py + (long)p * planeSize, planeSize));
        });
    }

    // x, dy, dx [N, C, …] (dx may be dy), slope, dSlope [C] or [1]:
    //   dx[n, c, i]  = x > 0 ? dy : slope[c]·dy
    //   dSlope[c]    = Σ_{n, i with x < 0} dy·x        (a shared slope sums over every element)
    public static void Backward(Tensor x, Tensor slope, Tensor dy, Tensor dx, Tensor dSlope) =>
        Backward(x, slope, dy, dx, dSlope, VectorLoop.DefaultWidth);

    internal static void Backward(Tensor x, Tensor slope, Tensor dy, Tensor dx, Tensor dSlope, VectorWidth width)
    {
        var (planes, planeSize, channels) = Check(x, slope);
        Require.SameShape(dy, x, nameof(dy), nameof(x));
        Require.SameShape(dx, x, nameof(dx), nameof(x));
        Require.SameShape(dSlope, slope, nameof(dSlope), nameof(slope));
        int slopes = slope.Length;
        using var partial = ScratchPool.Rent(planes);
        nint px = (nint)x.Pointer, ps = (nint)slope.Pointer, pdy = (nint)dy.Pointer, pdx = (nint)dx.Pointer;
        nint pPartial = (nint)partial.Pointer;
        PlaneParallel.For(planes, planeSize, (p0, p1) =>
        {
            Span<float> negative = stackalloc float[Tile];
            for (int p = p0; p < p1; p++)
            {
                var xs = new ReadOnlySpan<float>((float*)px + (long)p * planeSize, planeSize);
                var dys = new ReadOnlySpan<float>((float*)pdy + (long)p * planeSize, planeSize);
                // Σ dy·min(x, 0) before dx is written, since dx may be dy.
                float sum = 0f;
                for (int i = 0; i < planeSize; i += Tile)
                {
                    int n = Math.Min(Tile, planeSize - i);
                    TensorPrimitives.Min(xs.Slice(i, n), 0f, negative[..n]);
                    sum += TensorPrimitives.Dot(negative[..n], dys.Slice(i, n));
                }
                ((float*)pPartial)[p] = sum;
                float a = ((float*)ps)[SlopeIndex(p, channels, slopes)];
                VectorLoop.Apply(new LeakyReLU.Derivative(a), xs, dys,
                    new Span<float>((float*)pdx + (long)p * planeSize, planeSize), width);
            }
        });
        // Per-plane sums are added in plane order, so dSlope does not depend on the thread split.
        var ds = dSlope.Span;
        ds.Clear();
        var sums = partial.Span;
        for (int p = 0; p < planes; p++) ds[SlopeIndex(p, channels, slopes)] += sums[p];
    }

    private static int SlopeIndex(int plane, int channels, int slopes) => slopes == 1 ? 0 : plane % channels;

    private static (int Planes, int PlaneSize, int Channels) Check(Tensor x, Tensor slope)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(slope);
        if (x.Shape.Rank < 2)
            throw new ArgumentException($"x must have rank ≥ 2 [N, C, …]; its shape is {x.Shape}.", nameof(x));
        int channels = x.Shape[1];
        if (slope.Shape.Rank != 1 || (slope.Length != channels && slope.Length != 1))
            throw new ArgumentException(
                $"slope has shape {slope.Shape}; expected [{channels}] (one per channel of x, {x.Shape}) or [1].",
                nameof(slope));
        return (x.Shape[0] * channels, x.Shape.SizeFrom(2), channels);
    }
}
