using MLNet.Cnn.Tensors;
using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;

namespace MLNet.Cnn.Kernels;

/// <summary>
/// Bilinear resize of the spatial axes of [N, C, H, W] to the H, W of the output tensor, with PyTorch's
/// F.interpolate(mode='bilinear', size=…) coordinates, per axis (in → out):
///   align_corners = true:   s(i) = i·(in − 1)/(out − 1)          (0 when out = 1)
///   align_corners = false:  s(i) = max((i + ½)·in/out − ½, 0)
///   i0 = ⌊s⌋, i1 = min(i0 + 1, in − 1), λ = s − i0:  value = (1 − λ)·x[i0] + λ·x[i1]
/// Each output row blends two input rows over the whole width (vectorized), then reads two taps per column.
/// Backward runs the same taps in reverse, adding into dx.
/// </summary>
internal static unsafe class UpsampleBilinear
{
    // x [N, C, H, W], y [N, C, Hout, Wout]:
    //   y[n, c, i, j] = Σ_{a, b ∈ {0, 1}} wH_a(i)·wW_b(j)·x[n, c, h_a(i), w_b(j)],  w_0 = 1 − λ, w_1 = λ
    public static void Forward(Tensor x, Tensor y, bool alignCorners)
    {
        Require.Rank(x, 4, nameof(x));
        Require.SameBatchAndChannels(y, x, nameof(y), nameof(x));
        int height = x.Shape[2], width = x.Shape[3], outHeight = y.Shape[2], outWidth = y.Shape[3];
        using var columns = new ColumnTaps(width, outWidth, alignCorners);
        nint px = (nint)x.Pointer, py = (nint)y.Pointer;
        PlaneParallel.For(x.Shape[0] * x.Shape[1], (long)outHeight * (outWidth + width), (p0, p1) =>
        {
            using var blended = ScratchPool.Rent(width);
            var row = blended.Span;
            int* w0 = columns.W0, w1 = columns.W1;
            float* lambda = columns.Lambda;
            for (int p = p0; p < p1; p++)
                for (int i = 0; i < outHeight; i++)
                {
                    var (h0, h1, mu) = Taps(i, height, outHeight, alignCorners);
                    float* plane = (float*)px + (long)p * height * width;
                    // row = (1 − μ)·x[h0] + μ·x[h1]
                    TensorPrimitives.Multiply(new ReadOnlySpan<float>(plane + (long)h0 * width, width), 1f - mu, row);
                    TensorPrimitives.MultiplyAdd(new ReadOnlySpan<float>(plane + (long)h1 * width, width), mu, row, row);
                    float* yRow = (float*)py + ((long)p * outHeight + i) * outWidth;
                    for (int j = 0; j < outWidth; j++)
                        yRow[j] = (1f - lambda[j]) * row[w0[j]] + lambda[j] * row[w1[j]];
                }
        });
    }

    // dy [N, C, Hout, Wout], dx [N, C, H, W]:
    //   dx[n, c, h, w] = Σ_{i, j} Σ_{a, b: h_a(i) = h, w_b(j) = w} wH_a(i)·wW_b(j)·dy[n, c, i, j]
    public static void Backward(Tensor dy, Tensor dx, bool alignCorners)
    {
        Require.Rank(dx, 4, nameof(dx));
        Require.SameBatchAndChannels(dy, dx, nameof(dy), nameof(dx));
        Require.Distinct(dx, dy, nameof(dx), nameof(dy)); // dx is cleared before dy is read
        int height = dx.Shape[2], width = dx.Shape[3], outHeight = dy.Shape[2], outWidth = dy.Shape[3];
        using var columns = new ColumnTaps(width, outWidth, alignCorners);
        nint pdy = (nint)dy.Pointer, pdx = (nint)dx.Pointer;
        PlaneParallel.For(dx.Shape[0] * dx.Shape[1], (long)outHeight * (outWidth + width), (p0, p1) =>
        {
            using var gathered = ScratchPool.Rent(width);
            var row = gathered.Span;
            int* w0 = columns.W0, w1 = columns.W1;
            float* lambda = columns.Lambda;
            for (int p = p0; p < p1; p++)
            {
                float* plane = (float*)pdx + (long)p * height * width;
                new Span<float>(plane, height * width).Clear();
                for (int i = 0; i < outHeight; i++)
                {
                    // row[w] = Σ_j wW(j)·dy[i, j] over the taps of column j, then split between rows h0 and h1.
                    float* dyRow = (float*)pdy + ((long)p * outHeight + i) * outWidth;
                    row.Clear();
                    for (int j = 0; j < outWidth; j++)
                    {
                        row[w0[j]] += (1f - lambda[j]) * dyRow[j];
                        row[w1[j]] += lambda[j] * dyRow[j];
                    }
                    var (h0, h1, mu) = Taps(i, height, outHeight, alignCorners);
                    var dx0 = new Span<float>(plane + (long)h0 * width, width);
                    var dx1 = new Span<float>(plane + (long)h1 * width, width);
                    TensorPrimitives.MultiplyAdd(row, 1f - mu, dx0, dx0);
                    TensorPrimitives.MultiplyAdd(row, mu, dx1, dx1);
                }
            }
        });
    }

    /// <summary>The two source indices and the weight λ of the second one, for output index i (float32, as PyTorch).</summary>
    private static (int I0, int I1, float Lambda) Taps(int index, int inSize, int outSize, bool alignCorners)
    {
        float source;
        if (alignCorners)
            source = outSize > 1 ? (float)(inSize - 1) / (outSize - 1) * index : 0f;
        else
            source = MathF.Max(((float)inSize / outSize) * (index + 0.5f) - 0.5f, 0f);
        int i0 = Math.Min((int)source, inSize - 1);
        return (i0, Math.Min(i0 + 1, inSize - 1), source - i0);
    }

    /// <summary>The taps of every output column in one pooled buffer: w0 (int) | w1 (int) | λ (float), outWidth each.</summary>
    private readonly struct ColumnTaps : IDisposable
    {
        private readonly ScratchBuffer _buffer;
        private readonly int _count;

        public ColumnTaps(int width, int outWidth, bool alignCorners)
        {
            _buffer = ScratchPool.Rent(3 * outWidth);
            _count = outWidth;
            for (int j = 0; j < outWidth; j++) (W0[j], W1[j], Lambda[j]) = Taps(j, width, outWidth, alignCorners);
        }

        public int* W0 => (int*)_buffer.Pointer;
        public int* W1 => (int*)_buffer.Pointer + _count;
        public float* Lambda => _buffer.Pointer + 2 * _count;

        public void Dispose() => _buffer.Dispose();
    }
}
