using System.Numerics;

namespace MLNet.Cnn.Kernels;

/// <summary>The specification of <see cref="Pad"/>: every output pixel looks up its source pixel.</summary>
internal static class PadReference
{
    // x [planes, H, W], y [planes, top + H + bottom, left + W + right]:
    //   y[p, i, j] = x[p, src(i − top, H), src(j − left, W)], or value when a src is outside (constant mode)
    public static void Forward<T>(ReadOnlySpan<T> x, Span<T> y, int planes, int height, int width, Padding2d padding,
        PadMode mode, T value) where T : IFloatingPointIeee754<T>
    {
        int outHeight = height + padding.Top + padding.Bottom, outWidth = width + padding.Left + padding.Right;
        for (int p = 0; p < planes; p++)
            for (int i = 0; i < outHeight; i++)
                for (int j = 0; j < outWidth; j++)
                {
                    int h = Source(i - padding.Top, height, mode), w = Source(j - padding.Left, width, mode);
                    y[(p * outHeight + i) * outWidth + j] = h < 0 || w < 0 ? value : x[(p * height + h) * width + w];
                }
    }

    // dy [planes, top + H + bottom, left + W + right], dx [planes, H, W]:  dx[p, src(i), src(j)] += dy[p, i, j]
    public static void Backward<T>(ReadOnlySpan<T> dy, Span<T> dx, int planes, int height, int width, Padding2d padding,
        PadMode mode) where T : IFloatingPointIeee754<T>
    {
        int outHeight = height + padding.Top + padding.Bottom, outWidth = width + padding.Left + padding.Right;
        dx.Clear();
        for (int p = 0; p < planes; p++)
            for (int i = 0; i < outHeight; i++)
                for (int j = 0; j < outWidth; j++)
                {
                    int h = Source(i - padding.Top, height, mode), w = Source(j - padding.Left, width, mode);
                    if (h >= 0 && w >= 0) dx[(p * height + h) * width + w] += dy[(p * outHeight + i) * outWidth + j];
                }
    }

    /// <summary>Index read at position k of an axis of the given size, −1 for the constant.</summary>
    private static int Source(int k, int size, PadMode mode)
    {
        if (mode == PadMode.Replicate) return Math.Clamp(k, 0, size - 1);
        if (mode == PadMode.Constant) return k >= 0 && k < size ? k : -1;
        // Reflect: fold at the first and the last pixel until inside.
        while (k < 0 || k >= size) k = k < 0 ? -k : 2 * (size - 1) - k;
        return k;
    }
}
