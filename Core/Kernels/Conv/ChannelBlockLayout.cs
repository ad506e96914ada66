using System.Runtime.Intrinsics.X86;

namespace MLNet.Cnn.Kernels;

/// <summary>
/// The channels-last blocks of <see cref="DepthwiseChannelBlocked"/>: L channels of one image side by side in the vector
/// lanes. The input block is P [Hp, Wp, L] with the padding around it, Hp = (Hout − 1)·sH + (kH − 1)·dH + 1 rows (the
/// rows the taps reach; input row ih sits at row pT + ih), Wp likewise; the output block is [Hout, Wout, L]; the
/// weights [kH·kW, L]. The last block of a channel count that is not a multiple of L uses its first lanes only
/// (the other lanes compute values nobody reads).
/// </summary>
internal sealed unsafe class ChannelBlockLayout
{
    private readonly Conv2dGeometry _g;

    public ChannelBlockLayout(Conv2dGeometry g, int lanes)
    {
        _g = g;
        Lanes = lanes;
        Blocks = (g.InChannels + lanes - 1) / lanes;
        Taps = g.KernelHeight * g.KernelWidth;
        InPlane = g.InHeight * g.InWidth;
        OutPlane = g.OutHeight * g.OutWidth;
        PaddedHeight = (g.OutHeight - 1) * g.StrideH + (g.KernelHeight - 1) * g.DilationH + 1;
        PaddedWidth = (g.OutWidth - 1) * g.StrideW + (g.KernelWidth - 1) * g.DilationW + 1;
        // Input rows and columns inside the padded block (those past the last tap are never read).
        InputRows = Math.Clamp(PaddedHeight - g.Padding.Top, 0, g.InHeight);
        InputColumns = Math.Clamp(PaddedWidth - g.Padding.Left, 0, g.InWidth);
    }

    public int Lanes { get; }
    public int Blocks { get; }
    public int Taps { get; }
    public int InPlane { get; }
    public int OutPlane { get; }
    public int PaddedHeight { get; }
    public int PaddedWidth { get; }
    public int InputRows { get; }
    public int InputColumns { get; }

    public int PaddedLength => PaddedHeight * PaddedWidth * Lanes;

    /// <summary>
    /// Rows narrower than an 8-wide transpose block (MobileNet's 2×2–7×7 maps) go through a staging block [H·W, L]: the
    /// whole plane is one contiguous row on the planes' side, so it transposes in 8×8 blocks, then its rows are copied.
    /// </summary>
    private bool Staged => _g.InWidth < 8;

    public int StagingLength => Staged ? InPlane * Lanes : 1;
    public int OutputLength => OutPlane * Lanes;
    public int WeightLength => Taps * Lanes;

    /// <summary>Multiply-adds of one block of one image, the unit <see cref="PlaneParallel"/> splits work by.</summary>
    public long WorkPerBlock => (long)OutPlane * Taps * Lanes;

    /// <summary>How many real channels block <paramref name="block"/> holds (L except perhaps in the last block).</summary>
    public int ChannelsIn(int block) => Math.Min(Lanes, _g.InChannels - block * Lanes);

    /// <summary>packed[tap, c] = w[c0 + c, 0, kh, kw]; lanes past <paramref name="count"/> are 0.</summary>
    public void PackWeights(float* w, int c0, int count, float* packed)
    {
        for (int t = 0; t < Taps; t++)
            for (int c = 0; c < Lanes; c++)
                packed[t * Lanes + c] = c < count ? w[(long)(c0 + c) * Taps + t] : 0f;
    }

    /// <summary>P[pT + ih, pL + iw, c] = x[c, ih, iw] for the <paramref name="count"/> planes from <paramref name="x"/>; the border is left as it is (zero).</summary>
    public void Gather(float* x, int count, float* padded, float* staging)
    {
        float* interior = padded + ((long)_g.Padding.Top * PaddedWidth + _g.Padding.Left) * Lanes;
        if (!Staged)
        {
            ToChannelsLast(x, InPlane, _g.InWidth, InputRows, InputColumns, count, interior, PaddedWidth);
            return;
        }
        ToChannelsLast(x, InPlane, InPlane, 1, InPlane, count, staging, InPlane);
        for (int r = 0; r < InputRows; r++)
            RowCopy.Copy(interior + (long)r * PaddedWidth * Lanes, staging + (long)r * _g.InWidth * Lanes, InputColumns * Lanes);
    }

    /// <summary>block[oh, ow, c] = dy[c, oh, ow] for the <paramref name="count"/> planes from <paramref name="dy"/> (each plane one contiguous row).</summary>
    public void GatherOutput(float* dy, int count, float* block) =>
        ToChannelsLast(dy, OutPlane, OutPlane, 1, OutPlane, count, block, OutPlane);

    /// <summary>y[c, oh, ow] = block[oh, ow, c]: an output block back to the <paramref name="count"/> planes from <paramref name="y"/>.</summary>
    public void ScatterOutput(float* block, int count, float* y) =>
        FromChannelsLast(block, OutPlane, 1, OutPlane, count, y, OutPlane, OutPlane);

    /// <summary>dx[c, ih, iw] = dP[pT + ih, pL + iw, c]; inputs no tap reaches get 0.</summary>
    public void ScatterInput(float* padded, int count, float* dx, float* staging)
    {
        float* interior = padded + ((long)_g.Padding.Top * PaddedWidth + _g.Padding.Left) * Lanes;
        bool partial = InputRows < _g.InHeight || InputColumns < _g.InWidth;
        if (!Staged)
        {
            if (partial)
                for (int c = 0; c < count; c++) new Span<float>(dx + (long)c * InPlane, InPlane).Clear();
            FromChannelsLast(interior, PaddedWidth, InputRows, InputColumns, count, dx, InPlane, _g.InWidth);
            return;
        }
        if (partial) new Span<float>(staging, InPlane * Lanes).Clear();
        for (int r = 0; r < InputRows; r++)
            RowCopy.Copy(staging + (long)r * _g.InWidth * Lanes, interior + (long)r * PaddedWidth * Lanes, InputColumns * Lanes);
        FromChannelsLast(staging, InPlane, 1, InPlane, count, dx, InPlane, InPlane);
    }

    /// <summary>
    /// dst[r, col, c] = src[c, r, col] (src planes <paramref name="planeStride"/> apart, rows <paramref name="rowStride"/>; dst rows
    /// <paramref name="dstRowPixels"/> pixels of L lanes): 8 channels × 8 columns at a time with AVX, the rest one by one.
    /// </summary>
    private void ToChannelsLast(float* src, int planeStride, int rowStride, int rows, int columns, int count, float* dst, int dstRowPixels)
    {
        var (blockColumns, blockChannels) = Blocked(columns, count);
        int* channelOffsets = stackalloc int[8];
        for (int i = 0; i < 8; i++) channelOffsets[i] = i * planeStride;
        for (int r = 0; r < rows; r++)
        {
            float* source = src + (long)r * rowStride;
            float* target = dst + (long)r * dstRowPixels * Lanes;
            for (int c0 = 0; c0 < blockChannels; c0 += 8)
                for (int col = 0; col < blockColumns; col += 8)
                    Transpose.Block8x8(source + (long)c0 * planeStride + col, channelOffsets, target + (long)col * Lanes + c0, Lanes);
            for (int col = 0; col < columns; col++)
                for (int c = col < blockColumns ? blockChannels : 0; c < count; c++)
                    target[(long)col * Lanes + c] = source[(long)c * planeStride + col];
        }
    }

    /// <summary>
    /// dst[c, r, col] = src[r, col, c] (src rows <paramref name="srcRowPixels"/> pixels of L lanes; dst planes
    /// <paramref name="planeStride"/> apart, rows <paramref name="rowStride"/>): the inverse of <see cref="ToChannelsLast"/>.
    /// </summary>
    private void FromChannelsLast(float* src, int srcRowPixels, int rows, int columns, int count, float* dst, int planeStride, int rowStride)
    {
        var (blockColumns, blockChannels) = Blocked(columns, count);
        int* pixelOffsets = stackalloc int[8];
        for (int i = 0; i < 8; i++) pixelOffsets[i] = i * Lanes;
        for (int r = 0; r < rows; r++)
        {
            float* source = src + (long)r * srcRowPixels * Lanes;
            float* target = dst + (long)r * rowStride;
            for (int col = 0; col < blockColumns; col += 8)
                for (int c0 = 0; c0 < blockChannels; c0 += 8)
                    Transpose.Block8x8(source + (long)col * Lanes + c0, pixelOffsets, target + (long)c0 * planeStride + col, planeStride);
            for (int col = 0; col < columns; col++)
                for (int c = col < blockColumns ? blockChannels : 0; c < count; c++)
                    target[(long)c * planeStride + col] = source[(long)col * Lanes + c];
        }
    }

    /// <summary>The columns and channels the 8×8 AVX blocks cover (none without AVX).</summary>
    private static (int Columns, int Channels) Blocked(int columns, int count) =>
        Avx.IsSupported ? (columns & ~7, count & ~7) : (0, 0);
}
