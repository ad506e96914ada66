using System.Runtime.CompilerServices;
using MLNet.Cnn.Tensors;

namespace MLNet.Cnn.Kernels;

/// <summary>
/// The adjoint of the im2col lowering, for the input gradient of convolutions the implicit GEMM cannot
/// turn around (stride > 1, few input channels). With Cg = Cin/groups and P = Hout·Wout, im2col would be
///   col[(c·kH + kh)·kW + kw, oh·Wout + ow] = x[c, oh·sH − pTop + kh·dH, ow·sW − pLeft + kw·dW]  (0 outside);
/// here a column-matrix gradient is scattered back onto the image. Its rows are <c>ld</c> floats apart, so
/// several images can share one wide matrix side by side.
/// </summary>
internal static unsafe class Col2Im
{
    /// <summary>dx [Cg, H, W] += scatter of col [Cg·kH·kW, P] (row stride ld).</summary>
    public static void Scatter(Conv2dGeometry g, float* col, int ld, float* dx)
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

    /// <summary>
    /// dx [N, Cin, H, W] = convᵀ(dy [N, Cout, Hout, Wout], w): per group and chunk of images one GEMM
    /// col' [Kg, ld] = w_groupᵀ [Kg, Mg] · dy [Mg, ld] (ld = images·Hout·Wout), then <see cref="Scatter"/>.
    /// A 1×1 stride-1 kernel on one image needs no scatter: col' is dx itself.
    /// </summary>
    public static void BackwardData(Conv2dGeometry g, float* gradOutput, float* weight, float* gradInput)
    {
        int cols = g.OutHeight * g.OutWidth, inPlane = g.InHeight * g.InWidth;
        int mg = g.OutChannelsPerGroup, kg = g.PatchSize, cg = g.InChannelsPerGroup;
        nint dy = (nint)gradOutput, w = (nint)weight, dx = (nint)gradInput;
        var plan = ConvWorkPlan.For(g.Batch, cols);
        plan.Run(g.Batch, (_, first, count) =>
        {
            int ld = count * cols;
            bool direct = count == 1;
            using var gathered = direct ? default : ScratchPool.Rent(mg * ld);
            using var colGrad = g.IsPointwise && direct ? default : ScratchPool.Rent(kg * ld);
            new Span<float>((float*)dx + (long)first * g.InChannels * inPlane, count * g.InChannels * inPlane).Clear();
            for (int group = 0; group < g.Groups; group++)
            {
                float* dyGroup = (float*)dy + ((long)first * g.OutChannels + group * mg) * cols;
                float* b = dyGroup;
                if (!direct)
                {
                    b = gathered.Pointer;
                    CopyImagesToColumns(dyGroup, g.OutChannels, mg, cols, count, b);
                }
                float* dxGroup = (float*)dx + ((long)first * g.InChannels + group * cg) * inPlane;
                // col' [kg, ld] = w_groupᵀ [kg, mg] · dy [mg, ld]; for 1×1 on one image col' is dx itself.
                float* c = g.IsPointwise && direct ? dxGroup : colGrad.Pointer;
                Gemm.Multiply(kg, ld, mg, (float*)w + (long)group * mg * kg, 1, kg, b, ld, 1, c, ld,
                    accumulate: false, plan.ParallelGemm);
                if (g.IsPointwise && direct) continue;
                for (int i = 0; i < count; i++)
                    Scatter(g, c + i * cols, ld, dxGroup + (long)i * g.InChannels * inPlane);
            }
        });
    }

    /// <summary>count images' planes [rows, cols] (channel stride imageChannels·cols) → one [rows, count·cols] matrix.</summary>
    private static void CopyImagesToColumns(float* src, int imageChannels, int rows, int cols, int count, float* dst)
    {
        for (int i = 0; i < count; i++)
            for (int r = 0; r < rows; r++)
                Unsafe.CopyBlockUnaligned(dst + (long)r * count * cols + i * cols, src + ((long)i * imageChannels + r) * cols,
                    (uint)(cols * sizeof(float)));
    }
}
