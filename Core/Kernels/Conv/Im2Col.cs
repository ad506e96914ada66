using System.Runtime.CompilerServices;
using MLNet.Cnn.Tensors;

namespace MLNet.Cnn.Kernels;

/// <summary>
/// The im2col lowering of a convolution and its adjoint, col2im, for one image and one group. With
/// Cg = Cin/groups and P = Hout·Wout, the column matrix [Cg·kH·kW, P] of an image is
///   col[(c·kH + kh)·kW + kw, oh·Wout + ow] = x[c, oh·sH − pTop + kh·dH, ow·sW − pLeft + kw·dW]  (0 outside).
/// Its rows are <c>ld</c> floats apart, so several images can share one wide matrix side by side
/// (<see cref="BatchFoldedConv"/>: image i's columns start at i·P).
/// </summary>
internal static unsafe class Im2Col
{
    /// <summary>Rows at least this long are copied or added by a vectorized call; shorter ones by a plain loop (same bits).</summary>
    private const int WideRow = 16;

    /// <summary>col [Cg·kH·kW, P] (row stride ld) = im2col of x [Cg, H, W]; a 1×1 stride-1 kernel just copies the planes.</summary>
    public static void Gather(Conv2dGeometry g, float* x, float* col, int ld)
    {
        int wo = g.OutWidth, inPlane = g.InHeight * g.InWidth;
        if (g.IsPointwise)
        {
            for (int c = 0; c < g.InChannelsPerGroup; c++)
                Unsafe.CopyBlockUnaligned(col + (long)c * ld, x + (long)c * inPlane, (uint)(inPlane * sizeof(float)));
            return;
        }
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
                            for (int ow = 0; ow < wo; ow++) row[ow] = 0f;
                            continue;
                        }
                        float* src = x + ((long)c * g.InHeight + ih) * g.InWidth + colOffset;
                        for (int ow = 0; ow < lo; ow++) row[ow] = 0f;
                        // Rows of late stages are a few floats: a plain loop, no call per row.
                        if (g.StrideW == 1 && hi - lo >= WideRow)
                            Unsafe.CopyBlockUnaligned(row + lo, src + lo, (uint)((hi - lo) * sizeof(float)));
                        else
                            for (int ow = lo; ow < hi; ow++) row[ow] = src[ow * g.StrideW];
                        for (int ow = hi; ow < wo; ow++) row[ow] = 0f;
                    }
                }
    }

    /// <summary>dx [Cg, H, W] += col2im of col [Cg·kH·kW, P] (row stride ld): the adjoint of <see cref="Gather"/>.</summary>
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
                        if (g.StrideW == 1 && hi - lo >= WideRow)
                            VectorMath.Add(row + lo, dst + lo, hi - lo);
                        else
                            for (int ow = lo; ow < hi; ow++) dst[ow * g.StrideW] += row[ow];
                    }
                }
    }

    /// <summary>
    /// count images' planes [rows, cols] (image i at src + i·imageStride, rows cols apart) → one matrix
    /// [rows, count·cols] (row stride ld), image i in columns i·cols … (i + 1)·cols − 1.
    /// </summary>
    public static void ImagesToColumns(float* src, long imageStride, int rows, int cols, int count, float* dst, int ld)
    {
        for (int i = 0; i < count; i++)
            for (int r = 0; r < rows; r++)
                Unsafe.CopyBlockUnaligned(dst + (long)r * ld + i * cols, src + i * imageStride + (long)r * cols,
                    (uint)(cols * sizeof(float)));
    }

    /// <summary>The inverse of <see cref="ImagesToColumns"/>, adding bias[r] to row r when a bias is given.</summary>
    public static void ColumnsToImages(float* src, int ld, int rows, int cols, int count, float* bias, float* dst, long imageStride)
    {
        for (int i = 0; i < count; i++)
            for (int r = 0; r < rows; r++)
            {
                float* d = dst + i * imageStride + (long)r * cols, s = src + (long)r * ld + i * cols;
                if (cols >= WideRow)
                {
                    Unsafe.CopyBlockUnaligned(d, s, (uint)(cols * sizeof(float)));
                    if (bias != null) VectorMath.Add(bias[r], d, cols);
                }
                else if (bias != null)
                    for (int j = 0; j < cols; j++) d[j] = s[j] + bias[r];
                else
                    for (int j = 0; j < cols; j++) d[j] = s[j];
            }
    }
}
