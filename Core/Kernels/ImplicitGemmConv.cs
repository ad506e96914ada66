using System.Runtime.CompilerServices;
using MLNet.Cnn.Tensors;

namespace MLNet.Cnn.Kernels;

/// <summary>
/// Stride-1 convolution as an implicit GEMM: no im2col matrix and no packing of B.
/// The image is copied once into a zero-padded buffer xp [Cin, Hp, Wp] (Hp = H + pTop + pBottom,
/// Wp = W + pLeft + pRight). Outputs are computed on a Hout × Wp grid, position j = oh·Wp + ow, of which
/// the columns ow ≥ Wout are discarded. On that grid the tap (c, kh, kw) of output j reads
///   xp[c·Hp·Wp + j + kh·dH·Wp + kw·dW],
/// so row p = (c, kh, kw) of the GEMM's B operand is the padded image itself, shifted by a constant
/// offset: y_grid [Cout/G, grid] = w [Cout/G, Cg·kH·kW] · B, with B's rows read in place by the
/// micro-kernel (<see cref="OffsetRows"/>). The weights are packed once per call.
/// </summary>
internal static unsafe class ImplicitGemmConv
{
    private const int KC = 256;

    public static bool Applies(Conv2dGeometry g) => g.StrideH == 1 && g.StrideW == 1 && !g.IsDepthwise;

    /// <summary>y [N, Cout, Hout, Wout] = conv(x [N, Cin, H, W], w [Cout, Cin/G, kH, kW]) + b (b may be null).</summary>
    public static void Forward(Conv2dGeometry g, float* input, float* weight, float* bias, float* output, ConvWorkPlan plan)
    {
        var kernel = Gemm.DefaultKernel;
        var (mr, nr) = Gemm.TileSize(kernel);
        int mg = g.OutChannelsPerGroup, kg = g.PatchSize, cg = g.InChannelsPerGroup;
        int hp = g.InHeight + g.Padding.Top + g.Padding.Bottom, wp = g.InWidth + g.Padding.Left + g.Padding.Right;
        int grid = g.OutHeight * wp, gridPadded = Gemm.RoundUp(grid, nr), windows = gridPadded / nr;
        // The last window reads up to nr − 1 columns past the grid: slack keeps those reads inside the buffer.
        int paddedLength = g.InChannels * hp * wp + nr + wp;
        int mPanels = (mg + mr - 1) / mr;

        // Weights of every group, packed into MR-row panels over the whole K: panel layout [K][MR].
        using var packedWeights = ScratchPool.Rent(g.Groups * mPanels * mr * kg);
        for (int group = 0; group < g.Groups; group++)
            Gemm.PackA(mg, kg, mr, weight + (long)group * mg * kg, kg, 1, packedWeights.Pointer + (long)group * mPanels * mr * kg);
        using var offsetBuffer = ScratchPool.Rent(kg);
        int* offsets = (int*)offsetBuffer.Pointer;
        for (int c = 0, p = 0; c < cg; c++)
            for (int kh = 0; kh < g.KernelHeight; kh++)
                for (int kw = 0; kw < g.KernelWidth; kw++)
                    offsets[p++] = (c * hp + kh * g.DilationH) * wp + kw * g.DilationW;

        nint x = (nint)input, y = (nint)output, b = (nint)bias, packed = (nint)packedWeights.Pointer, offs = (nint)offsets;
        plan.Run(g.Batch, (_, first, count) =>
        {
            using var padded = ScratchPool.Rent(paddedLength);
            using var product = ScratchPool.Rent(g.OutChannels * gridPadded);
            for (int image = first; image < first + count; image++)
            {
                PadImage(g, (float*)x + (long)image * g.InChannels * g.InHeight * g.InWidth, padded.Pointer, hp, wp, paddedLength);
                float* xp = padded.Pointer, c = product.Pointer;
                void Windows(int w0, int w1)
                {
                    for (int group = 0; group < g.Groups; group++)
                    {
                        float* xGroup = xp + (long)group * cg * hp * wp;
                        float* aGroup = (float*)packed + (long)group * mPanels * mr * kg;
                        float* cGroup = c + (long)group * mg * gridPadded;
                        for (int window = w0; window < w1; window++)
                            Window(kernel, mr, nr, mg, kg, aGroup, xGroup + window * nr, (int*)offs, cGroup + window * nr, gridPadded);
                    }
                }
                if (plan.ParallelGemm)
                {
                    int slices = Math.Min(CnnParallel.MaxDegreeOfParallelism, windows);
                    CnnParallel.For(slices, s => Windows(windows * s / slices, windows * (s + 1) / slices));
                }
                else
                    Windows(0, windows);
                CompactRows(g, c, gridPadded, wp, (float*)b, (float*)y + (long)image * g.OutChannels * g.OutHeight * g.OutWidth);
            }
        });
    }

    /// <summary>
    /// One NR-wide window of the grid for all Cout/G output channels: for each KC slice of K the window's
    /// B rows (kc × NR floats, read in place) stay in L1 while every MR panel of the weights sweeps over them.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Window(GemmKernel kernel, int mr, int nr, int mg, int kg, float* a, float* xWindow, int* offsets,
        float* c, int ldc)
    {
        float* tile = stackalloc float[8 * 32];
        for (int p0 = 0; p0 < kg; p0 += KC)
        {
            int kc = Math.Min(KC, kg - p0);
            var rows = new OffsetRows(xWindow, offsets + p0);
            for (int i = 0; i < mg; i += mr)
            {
                float* aPanel = a + (long)i * kg + (long)p0 * mr;
                if (i + mr <= mg)
                    Gemm.MicroKernel(kernel, kc, aPanel, rows, c + (long)i * ldc, ldc, accumulate: p0 > 0);
                else
                {
                    // Last, partial panel of output channels: full tile into scratch, keep the valid rows.
                    Gemm.MicroKernel(kernel, kc, aPanel, rows, tile, nr, accumulate: false);
                    for (int r = 0; r < mg - i; r++)
                    {
                        float* cRow = c + (long)(i + r) * ldc;
                        if (p0 > 0) VectorMath.Add(tile + r * nr, cRow, nr);
                        else Unsafe.CopyBlockUnaligned(cRow, tile + r * nr, (uint)(nr * sizeof(float)));
                    }
                }
            }
        }
    }

    /// <summary>x [Cin, H, W] → xp [Cin, Hp, Wp] with zeros around, and zeros in the slack after it.</summary>
    private static void PadImage(Conv2dGeometry g, float* x, float* xp, int hp, int wp, int paddedLength)
    {
        var p = g.Padding;
        if (p == Padding2d.None)
        {
            long length = (long)g.InChannels * g.InHeight * g.InWidth;
            Unsafe.CopyBlockUnaligned(xp, x, (uint)(length * sizeof(float)));
            new Span<float>(xp + length, (int)(paddedLength - length)).Clear();
            return;
        }
        new Span<float>(xp, paddedLength).Clear();
        for (int c = 0; c < g.InChannels; c++)
            for (int h = 0; h < g.InHeight; h++)
                Unsafe.CopyBlockUnaligned(xp + ((long)c * hp + h + p.Top) * wp + p.Left,
                    x + ((long)c * g.InHeight + h) * g.InWidth, (uint)(g.InWidth * sizeof(float)));
    }

    /// <summary>Grid rows [Cout, Hout·Wp] (row stride ld) → y [Cout, Hout, Wout], dropping columns ≥ Wout, adding b.</summary>
    private static void CompactRows(Conv2dGeometry g, float* grid, int ld, int wp, float* bias, float* y)
    {
        int wo = g.OutWidth;
        for (int co = 0; co < g.OutChannels; co++)
        {
            float biasValue = bias == null ? 0f : bias[co];
            for (int oh = 0; oh < g.OutHeight; oh++)
            {
                float* dst = y + ((long)co * g.OutHeight + oh) * wo;
                Unsafe.CopyBlockUnaligned(dst, grid + (long)co * ld + oh * wp, (uint)(wo * sizeof(float)));
                if (bias != null) VectorMath.Add(biasValue, dst, wo);
            }
        }
    }
}
