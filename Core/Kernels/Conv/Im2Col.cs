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

    /// <summary>Ints of <see cref="FillTapTable"/>'s table: kH·kW·P (at least 1).</summary>
    public static int TapTableLength(Conv2dGeometry g) => Math.Max(1, g.KernelHeight * g.KernelWidth * g.OutHeight * g.OutWidth);

    /// <summary>
    /// table[t·P + j] for tap t = kh·kW + kw and output j = oh·Wout + ow: where that column entry reads within an
    /// input plane, ih·W + iw, or −1 in the padding. The same for every channel and image, so it is built once per call.
    /// </summary>
    public static void FillTapTable(Conv2dGeometry g, int* table)
    {
        for (int kh = 0; kh < g.KernelHeight; kh++)
            for (int kw = 0; kw < g.KernelWidth; kw++)
                for (int oh = 0; oh < g.OutHeight; oh++)
                    for (int ow = 0; ow < g.OutWidth; ow++)
                    {
                        int ih = oh * g.StrideH - g.Padding.Top + kh * g.DilationH, iw = ow * g.StrideW - g.Padding.Left + kw * g.DilationW;
                        *table++ = ih >= 0 && ih < g.InHeight && iw >= 0 && iw < g.InWidth ? ih * g.InWidth + iw : -1;
                    }
    }

    /// <summary>
    /// col [Cg·kH·kW, P] (row stride ld) = im2col of x [Cg, H, W], read through <see cref="FillTapTable"/>'s table
    /// (one tight loop per row however small the map); a 1×1 stride-1 kernel just copies the planes.
    /// </summary>
    public static void Gather(Conv2dGeometry g, int* table, float* x, float* col, int ld)
    {
        int p = g.OutHeight * g.OutWidth, taps = g.KernelHeight * g.KernelWidth, inPlane = g.InHeight * g.InWidth;
        if (g.IsPointwise)
        {
            for (int c = 0; c < g.InChannelsPerGroup; c++)
                Unsafe.CopyBlockUnaligned(col + (long)c * ld, x + (long)c * inPlane, (uint)(inPlane * sizeof(float)));
            return;
        }
        for (int c = 0; c < g.InChannelsPerGroup; c++)
        {
            float* plane = x + (long)c * inPlane;
            for (int t = 0; t < taps; t++)
            {
                float* row = col + ((long)c * taps + t) * ld;
                int* source = table + t * p;
                for (int j = 0; j < p; j++)
                {
                    int at = source[j];
                    row[j] = at >= 0 ? plane[at] : 0f;
                }
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
