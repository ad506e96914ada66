using MLNet.Cnn.Tensors;

namespace MLNet.Cnn.Kernels;

/// <summary>
/// Nearest-neighbour resize of the spatial axes of [N, C, H, W] to the H, W of the output tensor (any scale, up or
/// down), by PyTorch's 'nearest' rule: output index i reads input index floor(i·in/out). The floor is taken exactly,
/// in integers; PyTorch evaluates i·(in/out) in float32, which can round to the index below in rare cases where
/// i·in/out is a whole number. Backward adds each output gradient to the pixel it was read from.
/// </summary>
internal static unsafe class UpsampleNearest
{
    // x [N, C, H, W], y [N, C, Hout, Wout]:  y[n, c, i, j] = x[n, c, ⌊i·H/Hout⌋, ⌊j·W/Wout⌋]
    public static void Forward(Tensor x, Tensor y)
    {
        Require.Rank(x, 4, nameof(x));
        Require.SameBatchAndChannels(y, x, nameof(y), nameof(x));
        int height = x.Shape[2], width = x.Shape[3], outHeight = y.Shape[2], outWidth = y.Shape[3];
        using var columns = SourceColumns(width, outWidth);
        nint px = (nint)x.Pointer, py = (nint)y.Pointer, pColumns = (nint)columns.Pointer;
        PlaneParallel.For(x.Shape[0] * x.Shape[1], (long)outHeight * outWidth, (p0, p1) =>
        {
            int* column = (int*)pColumns;
            for (int p = p0; p < p1; p++)
                for (int i = 0; i < outHeight; i++)
                {
                    int h = Source(i, height, outHeight);
                    float* yRow = (float*)py + ((long)p * outHeight + i) * outWidth;
                    if (i > 0 && Source(i - 1, height, outHeight) == h)
                    {
                        new ReadOnlySpan<float>(yRow - outWidth, outWidth).CopyTo(new Span<float>(yRow, outWidth));
                        continue;
                    }
                    float* xRow = (float*)px + ((long)p * height + h) * width;
                    for (int j = 0; j < outWidth; j++) yRow[j] = xRow[column[j]];
                }
        });
    }

    // dy [N, C, Hout, Wout], dx [N, C, H, W]:  dx[n, c, h, w] = Σ dy[n, c, i, j] over ⌊i·H/Hout⌋ = h, ⌊j·W/Wout⌋ = w
    public static void Backward(Tensor dy, Tensor dx)
    {
        Require.Rank(dx, 4, nameof(dx));
        Require.SameBatchAndChannels(dy, dx, nameof(dy), nameof(dx));
        Require.Distinct(dx, dy, nameof(dx), nameof(dy)); // dx is cleared before dy is read
        int height = dx.Shape[2], width = dx.Shape[3], outHeight = dy.Shape[2], outWidth = dy.Shape[3];
        using var columns = SourceColumns(width, outWidth);
        nint pdy = (nint)dy.Pointer, pdx = (nint)dx.Pointer, pColumns = (nint)columns.Pointer;
        PlaneParallel.For(dx.Shape[0] * dx.Shape[1], (long)outHeight * outWidth, (p0, p1) =>
        {
            int* column = (int*)pColumns;
            for (int p = p0; p < p1; p++)
            {
                new Span<float>((float*)pdx + (long)p * height * width, height * width).Clear();
                for (int i = 0; i < outHeight; i++)
                {
                    float* dyRow = (float*)pdy + ((long)p * outHeight + i) * outWidth;
                    float* dxRow = (float*)pdx + ((long)p * height + Source(i, height, outHeight)) * width;
                    for (int j = 0; j < outWidth; j++) dxRow[column[j]] += dyRow[j];
                }
            }
        });
    }

    /// <summary>⌊index·inSize/outSize⌋: the input row (or column) that output row (or column) <paramref name="index"/> reads.</summary>
    internal static int Source(int index, int inSize, int outSize) => (int)((long)index * inSize / outSize);

    /// <summary>The source column of every output column, as ints in a pooled buffer.</summary>
    private static ScratchBuffer SourceColumns(int width, int outWidth)
    {
        var buffer = ScratchPool.Rent(outWidth);
        int* column = (int*)buffer.Pointer;
        for (int j = 0; j < outWidth; j++) column[j] = Source(j, width, outWidth);
        return buffer;
    }
}
