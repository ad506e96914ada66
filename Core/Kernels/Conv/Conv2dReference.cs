using System.Numerics;

namespace MLNet.Cnn.Kernels;

/// <summary>
/// The specification of <see cref="Conv2d"/>: the convolution written straight from its definition
/// (cross-correlation, as in PyTorch and ONNX), generic so tests can run it in double.
///   y[n, co, oh, ow] = b[co] + Σ_{ci, kh, kw} w[co, ci, kh, kw] · x[n, g·Cin/G + ci, oh·sH − pTop + kh·dH, ow·sW − pLeft + kw·dW]
/// where g = co / (Cout/G) is the group of output channel co and x is zero outside the input.
/// </summary>
internal static class Conv2dReference
{
    public static void Forward<T>(Conv2dGeometry g, ReadOnlySpan<T> x, ReadOnlySpan<T> w, ReadOnlySpan<T> b, Span<T> y)
        where T : IFloatingPointIeee754<T>
    {
        for (int n = 0; n < g.Batch; n++)
            for (int co = 0; co < g.OutChannels; co++)
                for (int oh = 0; oh < g.OutHeight; oh++)
                    for (int ow = 0; ow < g.OutWidth; ow++)
                    {
                        T sum = b.IsEmpty ? T.Zero : b[co];
                        foreach (var (xi, wi) in Taps(g, n, co, oh, ow))
                            sum += x[xi] * w[wi];
                        y[OutputIndex(g, n, co, oh, ow)] = sum;
                    }
    }

    /// <summary>dx[n, ci, ih, iw] = Σ over the taps that read x[n, ci, ih, iw] of w · dy.</summary>
    public static void BackwardData<T>(Conv2dGeometry g, ReadOnlySpan<T> dy, ReadOnlySpan<T> w, Span<T> dx)
        where T : IFloatingPointIeee754<T>
    {
        dx.Clear();
        for (int n = 0; n < g.Batch; n++)
            for (int co = 0; co < g.OutChannels; co++)
                for (int oh = 0; oh < g.OutHeight; oh++)
                    for (int ow = 0; ow < g.OutWidth; ow++)
                    {
                        T grad = dy[OutputIndex(g, n, co, oh, ow)];
                        foreach (var (xi, wi) in Taps(g, n, co, oh, ow))
                            dx[xi] += w[wi] * grad;
                    }
    }

    /// <summary>dw[co, ci, kh, kw] = Σ_{n, oh, ow} dy · x at the tap; db[co] = Σ_{n, oh, ow} dy[n, co, oh, ow].</summary>
    public static void BackwardWeights<T>(Conv2dGeometry g, ReadOnlySpan<T> x, ReadOnlySpan<T> dy, Span<T> dw, Span<T> db)
        where T : IFloatingPointIeee754<T>
    {
        dw.Clear();
        db.Clear();
        for (int n = 0; n < g.Batch; n++)
            for (int co = 0; co < g.OutChannels; co++)
                for (int oh = 0; oh < g.OutHeight; oh++)
                    for (int ow = 0; ow < g.OutWidth; ow++)
                    {
                        T grad = dy[OutputIndex(g, n, co, oh, ow)];
                        if (!db.IsEmpty) db[co] += grad;
                        foreach (var (xi, wi) in Taps(g, n, co, oh, ow))
                            dw[wi] += x[xi] * grad;
                    }
    }

    private static int OutputIndex(Conv2dGeometry g, int n, int co, int oh, int ow) =>
        ((n * g.OutChannels + co) * g.OutHeight + oh) * g.OutWidth + ow;

    /// <summary>(input index, weight index) of every kernel tap of output (n, co, oh, ow) that lands inside the input.</summary>
    private static IEnumerable<(int Input, int Weight)> Taps(Conv2dGeometry g, int n, int co, int oh, int ow)
    {
        int group = co / g.OutChannelsPerGroup;
        for (int ci = 0; ci < g.InChannelsPerGroup; ci++)
            for (int kh = 0; kh < g.KernelHeight; kh++)
                for (int kw = 0; kw < g.KernelWidth; kw++)
                {
                    int ih = oh * g.StrideH - g.Padding.Top + kh * g.DilationH;
                    int iw = ow * g.StrideW - g.Padding.Left + kw * g.DilationW;
                    if (ih < 0 || ih >= g.InHeight || iw < 0 || iw >= g.InWidth) continue;
                    int c = group * g.InChannelsPerGroup + ci;
                    yield return (((n * g.InChannels + c) * g.InHeight + ih) * g.InWidth + iw,
                        ((co * g.InChannelsPerGroup + ci) * g.KernelHeight + kh) * g.KernelWidth + kw);
                }
    }
}
