using System.Numerics;

namespace MLNet.Cnn.Kernels;

/// <summary>
/// The specification of <see cref="ConvTranspose2d"/>, written as the scatter that defines it (independent
/// of the convolution code it is implemented with):
///   y[n, g·Cout/G + j, ih·sH − pTop + kh·dH, iw·sW − pLeft + kw·dW] += x[n, ci, ih, iw] · w[ci, j, kh, kw]
/// for every input ci of group g = ci / (Cin/G), then y += b; positions outside the output are dropped.
/// </summary>
internal static class ConvTranspose2dReference
{
    public static void Forward<T>(ConvTranspose2dGeometry g, ReadOnlySpan<T> x, ReadOnlySpan<T> w, ReadOnlySpan<T> b, Span<T> y)
        where T : IFloatingPointIeee754<T>
    {
        y.Clear();
        foreach (var (xi, wi, yi) in Taps(g)) y[yi] += x[xi] * w[wi];
        if (b.IsEmpty) return;
        int plane = g.OutHeight * g.OutWidth;
        for (int i = 0; i < y.Length; i++) y[i] += b[i / plane % g.OutChannels];
    }

    public static void BackwardData<T>(ConvTranspose2dGeometry g, ReadOnlySpan<T> dy, ReadOnlySpan<T> w, Span<T> dx)
        where T : IFloatingPointIeee754<T>
    {
        dx.Clear();
        foreach (var (xi, wi, yi) in Taps(g)) dx[xi] += dy[yi] * w[wi];
    }

    public static void BackwardWeights<T>(ConvTranspose2dGeometry g, ReadOnlySpan<T> x, ReadOnlySpan<T> dy, Span<T> dw, Span<T> db)
        where T : IFloatingPointIeee754<T>
    {
        dw.Clear();
        foreach (var (xi, wi, yi) in Taps(g)) dw[wi] += dy[yi] * x[xi];
        if (db.IsEmpty) return;
        db.Clear();
        int plane = g.OutHeight * g.OutWidth;
        for (int i = 0; i < dy.Length; i++) db[i / plane % g.OutChannels] += dy[i];
    }

    /// <summary>(input, weight, output) index triples of every product that lands inside the output.</summary>
    private static IEnumerable<(int Input, int Weight, int Output)> Taps(ConvTranspose2dGeometry g)
    {
        var c = g.AsConvolution;
        int inPerGroup = g.InChannels / g.Groups, outPerGroup = g.OutChannels / g.Groups;
        for (int n = 0; n < g.Batch; n++)
            for (int ci = 0; ci < g.InChannels; ci++)
                for (int ih = 0; ih < c.OutHeight; ih++)
                    for (int iw = 0; iw < c.OutWidth; iw++)
                        for (int j = 0; j < outPerGroup; j++)
                            for (int kh = 0; kh < c.KernelHeight; kh++)
                                for (int kw = 0; kw < c.KernelWidth; kw++)
                                {
                                    int oh = ih * c.StrideH - c.Padding.Top + kh * c.DilationH;
                                    int ow = iw * c.StrideW - c.Padding.Left + kw * c.DilationW;
                                    if (oh < 0 || oh >= g.OutHeight || ow < 0 || ow >= g.OutWidth) continue;
                                    int co = ci / inPerGroup * outPerGroup + j;
                                    yield return (((n * g.InChannels + ci) * c.OutHeight + ih) * c.OutWidth + iw,
                                        ((ci * outPerGroup + j) * c.KernelHeight + kh) * c.KernelWidth + kw,
                                        ((n * g.OutChannels + co) * g.OutHeight + oh) * g.OutWidth + ow);
                                }
    }
}
