using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
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
                RowCopy.Copy(col + (long)c * ld, x + (long)c * inPlane, inPlane);
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

    /// <summary>
    /// cols [Cg·kH·kW, count·P] (row stride ld) = the im2col of count images side by side (image i at x + i·imageStride,
    /// in columns i·P … (i + 1)·P − 1): the same values as <see cref="Gather"/> image by image, but each row is one loop
    /// over the whole chunk, through an index table index[t][i·P + j] = i·imageStride + table[t·P + j] (or −1 in the
    /// padding), eight values per AVX2 masked gather. On 2×2–8×8 maps a row of one image is only 4–64 values: the
    /// per-image loops were mostly loop overhead. The channels are split over the threads as <paramref name="plan"/> says.
    /// </summary>
    public static void GatherChunk(Conv2dGeometry g, int* table, float* x, long imageStride, int count, float* cols, int ld, ConvWorkPlan plan)
    {
        int p = g.OutHeight * g.OutWidth, taps = g.KernelHeight * g.KernelWidth, width = count * p;
        if (g.IsPointwise || (count - 1) * imageStride + g.InChannels * (long)g.InHeight * g.InWidth > int.MaxValue)
        {
            nint px = (nint)x, pc = (nint)cols, pt = (nint)table;
            plan.ForEach(count, i => Gather(g, (int*)pt, (float*)px + i * imageStride, (float*)pc + i * p, ld));
            return;
        }
        using var indexBuffer = ScratchPool.Rent(taps * width);
        int* index = (int*)indexBuffer.Pointer;
        for (int t = 0; t < taps; t++)
            for (int i = 0; i < count; i++)
                for (int j = 0; j < p; j++)
                {
                    int at = table[t * p + j];
                    index[t * width + i * p + j] = at < 0 ? -1 : (int)(i * imageStride) + at;
                }
        int inPlane = g.InHeight * g.InWidth;
        nint xs = (nint)x, dst = (nint)cols, idx = (nint)index;
        plan.ForEach(g.InChannelsPerGroup, c =>
        {
            float* plane = (float*)xs + (long)c * inPlane;
            for (int t = 0; t < taps; t++)
                GatherRow(plane, (int*)idx + t * width, (float*)dst + ((long)c * taps + t) * ld, width);
        });
    }

    /// <summary>row[k] = index[k] ≥ 0 ? plane[index[k]] : 0 for k &lt; width.</summary>
    private static void GatherRow(float* plane, int* index, float* row, int width)
    {
        int k = 0;
        if (Avx2.IsSupported)
            for (; k + 8 <= width; k += 8)
            {
                var at = Avx.LoadVector256(index + k);
                var inside = Avx2.CompareGreaterThan(at, Vector256.Create(-1)).AsSingle();
                Avx.Store(row + k, Avx2.GatherMaskVector256(Vector256<float>.Zero, plane, at, inside, 4));
            }
        for (; k < width; k++)
        {
            int at = index[k];
            row[k] = at >= 0 ? plane[at] : 0f;
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
                        if (g.StrideW == 1)
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
                RowCopy.Copy(dst + (long)r * ld + i * cols, src + i * imageStride + (long)r * cols, cols);
    }

    /// <summary>The inverse of <see cref="ImagesToColumns"/>, adding bias[r] to row r when a bias is given.</summary>
    public static void ColumnsToImages(float* src, int ld, int rows, int cols, int count, float* bias, float* dst, long imageStride)
    {
        for (int i = 0; i < count; i++)
            for (int r = 0; r < rows; r++)
            {
                float* d = dst + i * imageStride + (long)r * cols;
                RowCopy.Copy(d, src + (long)r * ld + i * cols, cols);
                if (bias != null) VectorMath.Add(bias[r], d, cols);
            }
    }
}
