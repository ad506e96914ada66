using System.Runtime.CompilerServices;

namespace MLNet.Cnn.Kernels;

/// <summary>
/// Lowering of one image's group of channels to the column matrix that turns convolution into GEMM, and
/// its adjoint. With Cg = Cin/groups and P = Hout·Wout:
///   col[(c·kH + kh)·kW + kw, oh·Wout + ow] = x[c, oh·sH − pTop + kh·dH, ow·sW − pLeft + kw·dW]  (0 outside),
/// so col has Cg·kH·kW rows of P columns; its rows are <c>ld</c> floats apart, which lets several images
/// share one wide matrix side by side.
/// </summary>
internal static unsafe class Im2Col
{
    /// <summary>x [Cg, H, W] → col [Cg·kH·kW, P] (row stride ld).</summary>
    public static void Lower(Conv2dGeometry g, float* x, float* col, int ld)
    {
        int wo = g.OutWidth;
        for (int c = 0; c < g.InChannelsPerGroup; c++)
            for (int kh = 0; kh < g.KernelHeight; kh++)
                for (int kw = 0; kw < g.KernelWidth; kw++)
                {
                    float* row = col + (long)((c * g.KernelHeight + kh) * g.KernelWidth + kw) * ld;
                    int colOffset = kw * g.DilationW - g.Padding.Left;
                    var (lo, hi) = ConvTaps.ValidOutputs(colOffset, g.StrideW, g.InWidth, wo);
                    for (int oh = 0; oh < g.OutHeight; oh++, row += wo)
                    {
                        int ih = oh * g.StrideH - g.Padding.Top + kh * g.DilationH;
                        if (ih < 0 || ih >= g.InHeight)
                        {
                            new Span<float>(row, wo).Clear();
                            continue;
                        }
                        float* src = x + ((long)c * g.InHeight + ih) * g.InWidth + colOffset;
                        new Span<float>(row, lo).Clear();
                        if (g.StrideW == 1)
                            Unsafe.CopyBlockUnaligned(row + lo, src + lo, (uint)((hi - lo) * sizeof(float)));
                        else
                            for (int ow = lo; ow < hi; ow++) row[ow] = src[ow * g.StrideW];
                        new Span<float>(row + hi, wo - hi).Clear();
                    }
                }
    }

    /// <summary>The adjoint of <see cref="Lower"/>: dx [Cg, H, W] += scatter of col [Cg·kH·kW, P] (row stride ld).</summary>
    public static void Raise(Conv2dGeometry g, float* col, int ld, float* dx)
    {
        int wo = g.OutWidth;
        for (int c = 0; c < g.InChannelsPerGroup; c++)
            for (int kh = 0; kh < g.KernelHeight; kh++)
                for (int kw = 0; kw < g.KernelWidth; kw++)
                {
                    float* row = col + (long)((c * g.KernelHeight + kh) * g.KernelWidth + kw) * ld;
                    int colOffset = kw * g.DilationW - g.Padding.Left;
                    var (lo, hi) = ConvTaps.ValidOutputs(colOffset, g.StrideW, g.InWidth, wo);
                    for (int oh = 0; oh < g.OutHeight; oh++, row += wo)
                    {
                        int ih = oh * g.StrideH - g.Padding.Top + kh * g.DilationH;
                        if (ih < 0 || ih >= g.InHeight) continue;
                        float* dst = dx + ((long)c * g.InHeight + ih) * g.InWidth + colOffset;
                        if (g.StrideW == 1)
                            VectorMath.Add(row + lo, dst + lo, hi - lo);
                        else
                            for (int ow = lo; ow < hi; ow++) dst[ow * g.StrideW] += row[ow];
                    }
                }
    }
}
