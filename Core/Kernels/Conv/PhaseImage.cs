
namespace MLNet.Cnn.Kernels;

/// <summary>
/// Layout of one image for <see cref="ImplicitGemmConv"/>: zero-padded ([Cin, Hp, Wp], Hp = H + pTop + pBottom)
/// and split into stride phases. Phase (a, b) of channel c is the Hq × Wq plane
///   phase[c, a, b][i, j] = xp[c, i·sH + a, j·sW + b],   Hq = ⌈Hp / sH⌉, Wq = ⌈Wp / sW⌉,
/// so for stride 1 it is just the padded image (with rows sharing their padding columns, see the constructor). On the output grid (position j = oh·Wq + ow, columns
/// ow ≥ Wout discarded) tap (c, kh, kw) reads element <see cref="Offset"/>(c, kh, kw) + j for every output:
/// a strided convolution becomes stride-1 reads with one constant offset per tap.
/// </summary>
internal readonly unsafe struct PhaseImage
{
    private readonly Conv2dGeometry _g;

    /// <param name="slack">Zeros after the last channel, for reads of the last, rounded-up grid window.</param>
    public PhaseImage(Conv2dGeometry g, int slack)
    {
        _g = g;
        var p = g.Padding;
        PhaseHeight = (g.InHeight + p.Top + p.Bottom + g.StrideH - 1) / g.StrideH;
        // At stride 1 the right padding of one row doubles as the left padding of the next: rows are
        // W + max(pLeft, pRight) apart, which saves grid columns (2 of 16 for a 14-wide 3×3 "same" map). That
        // needs the grid to hold every output column, i.e. min(pLeft, pRight) ≤ dW·(kW − 1).
        bool sharedPadding = g.StrideW == 1 && Math.Min(p.Left, p.Right) <= g.DilationW * (g.KernelWidth - 1);
        GridWidth = sharedPadding
            ? g.InWidth + Math.Max(p.Left, p.Right)
            : (g.InWidth + p.Left + p.Right + g.StrideW - 1) / g.StrideW;
        ChannelLength = g.StrideH * g.StrideW * PhaseHeight * GridWidth;
        Length = g.InChannels * ChannelLength + slack + GridWidth;
    }

    public int PhaseHeight { get; }

    /// <summary>Wq: the width of a phase plane and of the output grid.</summary>
    public int GridWidth { get; }

    public int ChannelLength { get; }
    public int Length { get; }

    /// <summary>Where tap (c, kh, kw) of grid position 0 is, relative to the first channel of its group.</summary>
    public int Offset(int c, int kh, int kw)
    {
        int rows = kh * _g.DilationH, cols = kw * _g.DilationW;
        int phase = rows % _g.StrideH * _g.StrideW + cols % _g.StrideW;
        return ((c * _g.StrideH * _g.StrideW + phase) * PhaseHeight + rows / _g.StrideH) * GridWidth + cols / _g.StrideW;
    }

    /// <summary>offsets[p] for every row p = (c, kh, kw) of the GEMM's B operand within a group.</summary>
    public void FillOffsets(int* offsets)
    {
        for (int c = 0, p = 0; c < _g.InChannelsPerGroup; c++)
            for (int kh = 0; kh < _g.KernelHeight; kh++)
                for (int kw = 0; kw < _g.KernelWidth; kw++)
                    offsets[p++] = Offset(c, kh, kw);
    }

    /// <summary>
    /// x [Cin, H, W] → this layout in <paramref name="dst"/> (<see cref="Length"/> floats), zeros elsewhere. Phases no
    /// tap reads (all but phase (0, 0) of a strided 1×1 kernel) are left zero; stride-2 rows are split by <see cref="StrideTwoSplit"/>.
    /// </summary>
    public void Fill(float* x, float* dst)
    {
        var g = _g;
        new Span<float>(dst, Length).Clear();
        int sH = g.StrideH, sW = g.StrideW, rowPhases = UsedPhases(sH, g.KernelHeight, g.DilationH), colPhases = UsedPhases(sW, g.KernelWidth, g.DilationW);
        long phasePlane = (long)PhaseHeight * GridWidth;
        for (int c = 0; c < g.InChannels; c++)
            for (int h = 0; h < g.InHeight; h++)
            {
                int row = h + g.Padding.Top;
                if ((rowPhases & 1 << row % sH) == 0) continue;
                float* src = x + ((long)c * g.InHeight + h) * g.InWidth;
                float* phaseRow = dst + (long)c * ChannelLength + ((long)(row % sH) * sW * PhaseHeight + row / sH) * GridWidth;
                if (sW == 1)
                {
                    RowCopy.Copy(phaseRow + g.Padding.Left, src, g.InWidth);
                    continue;
                }
                if (sW == 2)
                {
                    StrideTwoSplit.Row(src, g.InWidth, g.Padding.Left, (colPhases & 1) == 0 ? null : phaseRow,
                        (colPhases & 2) == 0 ? null : phaseRow + phasePlane);
                    continue;
                }
                for (int w = 0; w < g.InWidth; w++)
                {
                    int col = w + g.Padding.Left;
                    if ((colPhases & 1 << col % sW) != 0) phaseRow[col % sW * phasePlane + col / sW] = src[w];
                }
            }
    }

    /// <summary>Bit a is set when some tap k·dilation (k &lt; <paramref name="kernel"/>) falls in phase a of <paramref name="stride"/> (all bits for strides past 31).</summary>
    private static int UsedPhases(int stride, int kernel, int dilation)
    {
        if (stride > 31) return -1;
        int used = 0;
        for (int k = 0; k < kernel; k++) used |= 1 << k * dilation % stride;
        return used;
    }
}
