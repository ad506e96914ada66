using System.Numerics;

namespace MLNet.Cnn.Kernels;

/// <summary>
/// The specification of <see cref="AvgPool2d"/>, with PyTorch's divisor rule: a window's sum of input cells is
/// divided by the number of its taps inside the padded input [−padTop, H + padBottom) × [−padLeft, W + padRight)
/// when countIncludePad, or inside the input itself otherwise. Taps that run past the padded input (the last
/// window in ceil mode) are never counted. The geometry's dilation must be 1 (PyTorch's AvgPool2d has none).
/// </summary>
internal static class AvgPool2dReference
{
    // input [N, C, H, W] → output [N, C, Hout, Wout]
    public static void Forward<T>(Pool2dGeometry g, bool countIncludePad, ReadOnlySpan<T> input, Span<T> output)
        where T : IFloatingPointIeee754<T>
    {
        int height = g.InHeight, width = g.InWidth;
        for (int plane = 0; plane < g.Batch * g.Channels; plane++)
            for (int oh = 0; oh < g.OutHeight; oh++)
                for (int ow = 0; ow < g.OutWidth; ow++)
                {
                    T sum = T.Zero;
                    for (int kh = 0; kh < g.KernelHeight; kh++)
                        for (int kw = 0; kw < g.KernelWidth; kw++)
                        {
                            var (h, w) = Tap(g, oh, ow, kh, kw);
                            if (h >= 0 && h < height && w >= 0 && w < width)
                                sum += input[(plane * height + h) * width + w];
                        }
                    output[(plane * g.OutHeight + oh) * g.OutWidth + ow] = sum / Divisor<T>(g, countIncludePad, oh, ow);
                }
    }

    // gradOutput [N, C, Hout, Wout] → gradInput [N, C, H, W]: each input cell of a window gets the window's
    // gradient over its divisor.
    public static void Backward<T>(Pool2dGeometry g, bool countIncludePad, ReadOnlySpan<T> gradOutput, Span<T> gradInput)
        where T : IFloatingPointIeee754<T>
    {
        int height = g.InHeight, width = g.InWidth;
        gradInput.Clear();
        for (int plane = 0; plane < g.Batch * g.Channels; plane++)
            for (int oh = 0; oh < g.OutHeight; oh++)
                for (int ow = 0; ow < g.OutWidth; ow++)
                {
                    T share = gradOutput[(plane * g.OutHeight + oh) * g.OutWidth + ow] / Divisor<T>(g, countIncludePad, oh, ow);
                    for (int kh = 0; kh < g.KernelHeight; kh++)
                        for (int kw = 0; kw < g.KernelWidth; kw++)
                        {
                            var (h, w) = Tap(g, oh, ow, kh, kw);
                            if (h >= 0 && h < height && w >= 0 && w < width)
                                gradInput[(plane * height + h) * width + w] += share;
                        }
                }
    }

    private static (int H, int W) Tap(Pool2dGeometry g, int oh, int ow, int kh, int kw) =>
        (oh * g.StrideH - g.Padding.Top + kh * g.DilationH, ow * g.StrideW - g.Padding.Left + kw * g.DilationW);

    private static T Divisor<T>(Pool2dGeometry g, bool countIncludePad, int oh, int ow) where T : IFloatingPointIeee754<T>
    {
        var p = countIncludePad ? g.Padding : Padding2d.None;
        int count = 0;
        for (int kh = 0; kh < g.KernelHeight; kh++)
            for (int kw = 0; kw < g.KernelWidth; kw++)
            {
                var (h, w) = Tap(g, oh, ow, kh, kw);
                if (h >= -p.Top && h < g.InHeight + p.Bottom && w >= -p.Left && w < g.InWidth + p.Right) count++;
            }
        return T.CreateChecked(count);
    }
}
