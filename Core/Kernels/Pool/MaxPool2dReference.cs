using System.Numerics;

namespace MLNet.Cnn.Kernels;

/// <summary>
/// The specification of <see cref="MaxPool2d"/>: every window tap visited in row-major order. A NaN propagates, as
/// in PyTorch: the first NaN of a window is its maximum and argmax; otherwise the first maximum wins ties (+0 and −0
/// are equal, so the first of them wins).
/// </summary>
internal static class MaxPool2dReference
{
    // input [N, C, H, W] → output [N, C, Hout, Wout], argmax [N·C·Hout·Wout] (index h·W + w inside the plane;
    // the first NaN, else the first maximum, in row-major order; −1 when every tap is padding or −∞). Padding
    // counts as −∞.
    public static void Forward<T>(Pool2dGeometry g, ReadOnlySpan<T> input, Span<T> output, Span<int> argmax)
        where T : IFloatingPointIeee754<T>
    {
        int height = g.InHeight, width = g.InWidth;
        for (int plane = 0; plane < g.Batch * g.Channels; plane++)
            for (int oh = 0; oh < g.OutHeight; oh++)
                for (int ow = 0; ow < g.OutWidth; ow++)
                {
                    T best = T.NegativeInfinity;
                    int bestIndex = -1;
                    for (int kh = 0; kh < g.KernelHeight; kh++)
                        for (int kw = 0; kw < g.KernelWidth; kw++)
                        {
                            int h = oh * g.StrideH - g.Padding.Top + kh * g.DilationH;
                            int w = ow * g.StrideW - g.Padding.Left + kw * g.DilationW;
                            if (h < 0 || h >= height || w < 0 || w >= width) continue;
                            T value = input[(plane * height + h) * width + w];
                            if (Beats(value, best))
                            {
                                best = value;
                                bestIndex = h * width + w;
                            }
                        }
                    int o = (plane * g.OutHeight + oh) * g.OutWidth + ow;
                    output[o] = best;
                    argmax[o] = bestIndex;
                }
    }

    /// <summary>
    /// The max-pooling rule, shared by every max pool: a value replaces the best so far when it is greater, or when
    /// it is the first NaN. Equal values (+0 and −0 included) keep the earlier one.
    /// </summary>
    internal static bool Beats<T>(T value, T best) where T : IFloatingPointIeee754<T> =>
        value > best || (T.IsNaN(value) && !T.IsNaN(best));

    // gradOutput [N, C, Hout, Wout], argmax from Forward → gradInput [N, C, H, W]: each output's gradient goes to
    // the cell that won its window.
    public static void Backward<T>(Pool2dGeometry g, ReadOnlySpan<T> gradOutput, ReadOnlySpan<int> argmax,
        Span<T> gradInput) where T : IFloatingPointIeee754<T>
    {
        gradInput.Clear();
        int inPlane = g.InHeight * g.InWidth, outPlane = g.OutHeight * g.OutWidth;
        for (int o = 0; o < gradOutput.Length; o++)
            if (argmax[o] >= 0)
                gradInput[o / outPlane * inPlane + argmax[o]] += gradOutput[o];
    }
}
