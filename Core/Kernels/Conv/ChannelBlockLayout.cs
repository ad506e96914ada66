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
        PaddedHeight = g.ReachedHeight;
        PaddedWidth = g.ReachedWidth;
    }

    public int Lanes { get; }
    public int Blocks { get; }
    public int Taps { get; }
    public int InPlane { get; }
    public int OutPlane { get; }
    public int PaddedHeight { get; }
    public int PaddedWidth { get; }
    public int InputRows => _g.ReachedInputRows;
    public int InputColumns => _g.ReachedInputColumns;

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

    /// <summary>The layer's channels C (input and output).</summary>
    public int Channels => _g.InChannels;

    /// <summary>How many real channels block <paramref name="block"/> holds (L except perhaps in the last block).</summary>
    public int ChannelsIn(int block) => Math.Min(Lanes, _g.InChannels - block * Lanes);

    /// <summary>packed[tap, c] = s[c0 + c]·w[c0 + c, 0, kh, kw] (s null: 1); lanes past <paramref name="count"/> are 0.</summary>
    public void PackWeights(float* w, int c0, int count, float* scale, float* packed)
    {
        for (int t = 0; t < Taps; t++)
            for (int c = 0; c < Lanes; c++)
                packed[t * Lanes + c] = c < count ? (scale == null ? 1f : scale[c0 + c]) * w[(long)(c0 + c) * Taps + t] : 0f;
    }

    /// <summary>P[pT + ih, pL + iw, c] = x[c, ih, iw] for the <paramref name="count"/> planes from <paramref name="x"/>; the border is left as it is (zero).</summary>
    public void Gather(float* x, int count, float* padded, float* staging)
    {
        float* interior = padded + ((long)_g.Padding.Top * PaddedWidth + _g.Padding.Left) * Lanes;
        if (!Staged)
        {
            ChannelsLast.From(x, InPlane, _g.InWidth, InputRows, InputColumns, count, interior, PaddedWidth, Lanes);
            return;
        }
        ChannelsLast.From(x, InPlane, InPlane, 1, InPlane, count, staging, InPlane, Lanes);
        for (int r = 0; r < InputRows; r++)
            RowCopy.Copy(interior + (long)r * PaddedWidth * Lanes, staging + (long)r * _g.InWidth * Lanes, InputColumns * Lanes);
    }

    /// <summary>The same from one image's block of channel blocks, [H, W, L]: rows of pixels copied, no transpose.</summary>
    public void GatherBlock(float* source, float* padded)
    {
        float* interior = padded + ((long)_g.Padding.Top * PaddedWidth + _g.Padding.Left) * Lanes;
        for (int r = 0; r < InputRows; r++)
            RowCopy.Copy(interior + (long)r * PaddedWidth * Lanes, source + (long)r * _g.InWidth * Lanes, InputColumns * Lanes);
    }

    /// <summary>block[oh, ow, c] = dy[c, oh, ow] for the <paramref name="count"/> planes from <paramref name="dy"/> (each plane one contiguous row).</summary>
    public void GatherOutput(float* dy, int count, float* block) =>
        ChannelsLast.From(dy, OutPlane, OutPlane, 1, OutPlane, count, block, OutPlane, Lanes);

    /// <summary>y[c, oh, ow] = block[oh, ow, c]: an output block back to the <paramref name="count"/> planes from <paramref name="y"/>.</summary>
    public void ScatterOutput(float* block, int count, float* y) =>
        ChannelsLast.To(block, OutPlane, 1, OutPlane, count, y, OutPlane, OutPlane, Lanes);

    /// <summary>dx[c, ih, iw] = dP[pT + ih, pL + iw, c]; inputs no tap reaches get 0.</summary>
    public void ScatterInput(float* padded, int count, float* dx, float* staging)
    {
        float* interior = padded + ((long)_g.Padding.Top * PaddedWidth + _g.Padding.Left) * Lanes;
        bool partial = InputRows < _g.InHeight || InputColumns < _g.InWidth;
        if (!Staged)
        {
            if (partial)
                for (int c = 0; c < count; c++) new Span<float>(dx + (long)c * InPlane, InPlane).Clear();
            ChannelsLast.To(interior, PaddedWidth, InputRows, InputColumns, count, dx, InPlane, _g.InWidth, Lanes);
            return;
        }
        if (partial) new Span<float>(staging, InPlane * Lanes).Clear();
        for (int r = 0; r < InputRows; r++)
            RowCopy.Copy(staging + (long)r * _g.InWidth * Lanes, interior + (long)r * PaddedWidth * Lanes, InputColumns * Lanes);
        ChannelsLast.To(staging, InPlane, 1, InPlane, count, dx, InPlane, InPlane, Lanes);
    }
}
