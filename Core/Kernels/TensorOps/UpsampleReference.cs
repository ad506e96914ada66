using System.Numerics;

namespace MLNet.Cnn.Kernels;

/// <summary>
/// The specification of <see cref="UpsampleNearest"/> and <see cref="UpsampleBilinear"/> on planes [planes, H, W]
/// resized to [planes, Hout, Wout]: every output pixel computes its source coordinates in T.
/// </summary>
internal static class UpsampleReference
{
    // x [planes, H, W], y [planes, Hout, Wout]:  y[p, i, j] = x[p, ⌊i·H/Hout⌋, ⌊j·W/Wout⌋]
    public static void NearestForward<T>(ReadOnlySpan<T> x, Span<T> y, int planes, int height, int width,
        int outHeight, int outWidth) where T : IFloatingPointIeee754<T>
    {
        for (int p = 0; p < planes; p++)
            for (int i = 0; i < outHeight; i++)
                for (int j = 0; j < outWidth; j++)
                    y[(p * outHeight + i) * outWidth + j] =
                        x[(p * height + Nearest<T>(i, height, outHeight)) * width + Nearest<T>(j, width, outWidth)];
    }

    // dy [planes, Hout, Wout], dx [planes, H, W]:  dx[p, ⌊i·H/Hout⌋, ⌊j·W/Wout⌋] += dy[p, i, j]
    public static void NearestBackward<T>(ReadOnlySpan<T> dy, Span<T> dx, int planes, int height, int width,
        int outHeight, int outWidth) where T : IFloatingPointIeee754<T>
    {
        dx.Clear();
        for (int p = 0; p < planes; p++)
            for (int i = 0; i < outHeight; i++)
                for (int j = 0; j < outWidth; j++)
                    dx[(p * height + Nearest<T>(i, height, outHeight)) * width + Nearest<T>(j, width, outWidth)] +=
                        dy[(p * outHeight + i) * outWidth + j];
    }

    // x [planes, H, W], y [planes, Hout, Wout]:
    //   y[p, i, j] = Σ_{a, b} wH_a·wW_b·x[p, h_a, w_b]  (the four taps of PyTorch's bilinear source point)
    public static void BilinearForward<T>(ReadOnlySpan<T> x, Span<T> y, int planes, int height, int width,
        int outHeight, int outWidth, bool alignCorners) where T : IFloatingPointIeee754<T>
    {
        for (int p = 0; p < planes; p++)
            for (int i = 0; i < outHeight; i++)
                for (int j = 0; j < outWidth; j++)
                {
                    var (h0, h1, mu) = Linear<T>(i, height, outHeight, alignCorners);
                    var (w0, w1, lambda) = Linear<T>(j, width, outWidth, alignCorners);
                    T top = (T.One - lambda) * x[(p * height + h0) * width + w0] + lambda * x[(p * height + h0) * width + w1];
                    T bottom = (T.One - lambda) * x[(p * height + h1) * width + w0] + lambda * x[(p * height + h1) * width + w1];
                    y[(p * outHeight + i) * outWidth + j] = (T.One - mu) * top + mu * bottom;
                }
    }

    // dy [planes, Hout, Wout], dx [planes, H, W]:  each of the four taps of (i, j) gets its weight times dy[p, i, j]
    public static void BilinearBackward<T>(ReadOnlySpan<T> dy, Span<T> dx, int planes, int height, int width,
        int outHeight, int outWidth, bool alignCorners) where T : IFloatingPointIeee754<T>
    {
        dx.Clear();
        for (int p = 0; p < planes; p++)
            for (int i = 0; i < outHeight; i++)
                for (int j = 0; j < outWidth; j++)
                {
                    var (h0, h1, mu) = Linear<T>(i, height, outHeight, alignCorners);
                    var (w0, w1, lambda) = Linear<T>(j, width, outWidth, alignCorners);
                    T g = dy[(p * outHeight + i) * outWidth + j];
                    dx[(p * height + h0) * width + w0] += (T.One - mu) * (T.One - lambda) * g;
                    dx[(p * height + h0) * width + w1] += (T.One - mu) * lambda * g;
                    dx[(p * height + h1) * width + w0] += mu * (T.One - lambda) * g;
                    dx[(p * height + h1) * width + w1] += mu * lambda * g;
                }
    }

    private static int Nearest<T>(int index, int inSize, int outSize) where T : IFloatingPointIeee754<T> =>
        int.CreateChecked(T.Floor(T.CreateChecked(index) * T.CreateChecked(inSize) / T.CreateChecked(outSize)));

    /// <summary>PyTorch's source coordinate s of output index i, and its two taps: (⌊s⌋, min(⌊s⌋ + 1, in − 1), s − ⌊s⌋).</summary>
    private static (int I0, int I1, T Lambda) Linear<T>(int index, int inSize, int outSize, bool alignCorners)
        where T : IFloatingPointIeee754<T>
    {
        T i = T.CreateChecked(index), n = T.CreateChecked(inSize), m = T.CreateChecked(outSize), half = T.CreateChecked(0.5);
        T source = alignCorners
            ? outSize > 1 ? i * (n - T.One) / (m - T.One) : T.Zero
            : T.Max((i + half) * n / m - half, T.Zero);
        int i0 = int.CreateChecked(T.Floor(source));
        return (i0, Math.Min(i0 + 1, inSize - 1), source - T.CreateChecked(i0));
    }
}
