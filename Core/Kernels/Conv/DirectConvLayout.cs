using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using MLNet.Cnn.Tensors;

namespace MLNet.Cnn.Kernels;

/// <summary>
/// The buffers of <see cref="DirectConv"/> for one image, channels in the vector lanes (L = 16 at 512 bits, 8 at 256):
///   input  P [InBlocks, Hp, sW, Wc, L]: block b holds input channels b·L … b·L+L−1, zero-padded; each padded row is
///          split into its sW column phases (padded column c sits in phase c mod sW at column c / sW), so that the
///          outputs ow, ow+1, … of a row read consecutive pixels of one phase at any stride;
///   output O [2, rows·Wout, L] for a band of output rows of a group of two output blocks;
///   weights, per group of two output blocks: [InChannels, kH·kW, 2, L] ordered (input block, tap, channel in block) —
///          the order the tile kernel reads them — zero past Cout.
/// Hp = (Hout − 1)·sH + (kH − 1)·dH + 1 rows (input row ih at pT + ih), Wc = Wout + ⌊(kW − 1)·dW / sW⌋ columns per phase.
/// Tap (kh, kw) of output (oh, ow) reads P at oh·sH·RowPitch + ow·L + TapOffset(kh, kw).
/// </summary>
internal sealed unsafe class DirectConvLayout
{
    private readonly Conv2dGeometry _g;

    public DirectConvLayout(Conv2dGeometry g, int lanes)
    {
        _g = g;
        Lanes = lanes;
        InBlocks = (g.InChannels + lanes - 1) / lanes;
        OutBlocks = (g.OutChannels + lanes - 1) / lanes;
        Taps = g.KernelHeight * g.KernelWidth;
        OutPlane = g.OutHeight * g.OutWidth;
        PaddedRows = g.ReachedHeight;
        PhaseColumns = g.OutWidth + (g.KernelWidth - 1) * g.DilationW / g.StrideW;
        RowPitch = g.StrideW * PhaseColumns * lanes;
    }

    public int Lanes { get; }
    public int InBlocks { get; }
    public int OutBlocks { get; }
    public int Taps { get; }
    public int OutPlane { get; }
    public int PaddedRows { get; }
    public int PhaseColumns { get; }
    public int RowPitch { get; }
    public int InputRows => _g.ReachedInputRows;
    public int InputColumns => _g.ReachedInputColumns;

    /// <summary>Floats between the blocks of P: its rows, padded as channel blocks are (<see cref="ChannelBlocks.StrideFor"/>) so a tile's reads of all blocks do not meet in one set of L1.</summary>
    public int BlockLength => ChannelBlocks.StrideFor(PaddedRows * RowPitch);
    public int InputLength => InBlocks * BlockLength;

    /// <summary>Input channels in block <paramref name="block"/>: L, except perhaps in the last block.</summary>
    public int LanesIn(int block) => Math.Min(Lanes, _g.InChannels - block * Lanes);

    /// <summary>Output channels in block <paramref name="block"/>.</summary>
    public int LanesOut(int block) => Math.Min(Lanes, _g.OutChannels - block * Lanes);

    /// <summary>Groups of two output blocks (the last may hold one).</summary>
    public int OutGroups => (OutBlocks + 1) / 2;

    /// <summary>
    /// Input blocks a tile sums in one go (<see cref="InputSlices"/> slices of about equal size): as many as keep a group's weights
    /// for them within a quarter of L2 (<see cref="CpuFacts"/>), so they stay there while the tiles of a band pass; the next
    /// slice adds to the sums. 512 input channels of a 3×3 layer are 590 KB of weights per group: three slices on a 1 MiB L2.
    /// </summary>
    public int InputSlices
    {
        get
        {
            long bytesPerBlock = (long)Lanes * Taps * 2 * Lanes * sizeof(float);
            int perSlice = (int)Math.Clamp(CpuFacts.Current.L2KiB * 1024L / 4 / bytesPerBlock, 1, InBlocks);
            return (InBlocks + perSlice - 1) / perSlice;
        }
    }

    /// <summary>The input blocks [first, end) of slice <paramref name="slice"/> of <paramref name="slices"/>.</summary>
    public (int First, int End) InputSlice(int slice, int slices) => (InBlocks * slice / slices, InBlocks * (slice + 1) / slices);

    /// <summary>Where the packed weights of input block <paramref name="block"/> start within a group (the blocks before it are full).</summary>
    public long BlockWeightOffset(int block) => (long)block * Lanes * Taps * 2 * Lanes;

    /// <summary>Floats of one group's packed weights: Cin·kH·kW·2L.</summary>
    public long GroupWeightLength => (long)_g.InChannels * Taps * 2 * Lanes;

    /// <summary>Where output (oh, ow) starts reading: its tap (0, 0) pixel.</summary>
    public long TileOrigin(int oh, int ow) => (long)oh * _g.StrideH * RowPitch + (long)ow * Lanes;

    /// <summary>offsets[kh·kW + kw] = kh·dH·RowPitch + (kw·dW mod sW)·Wc·L + ⌊kw·dW / sW⌋·L.</summary>
    public void FillTapOffsets(int* offsets)
    {
        for (int kh = 0; kh < _g.KernelHeight; kh++)
            for (int kw = 0; kw < _g.KernelWidth; kw++)
            {
                int column = kw * _g.DilationW;
                offsets[kh * _g.KernelWidth + kw] = kh * _g.DilationH * RowPitch
                    + (column % _g.StrideW * PhaseColumns + column / _g.StrideW) * Lanes;
            }
    }

    /// <summary>
    /// Packed weights of group q, channel co = (2q + b)·L + l, input channel ci = ib·L + c, tap t at
    /// q·GroupWeightLength + ib·L·Taps·2L + ((t·LanesIn(ib) + c)·2 + b)·L + l: s[co]·w[co, ci, t] (s may be null), 0 past Cout.
    /// </summary>
    public void PackWeights(float* w, float* scale, float* packed)
    {
        nint source = (nint)w, destination = (nint)packed, scales = (nint)scale;
        // Units of 8 output channels: (group, block of the pair, eighth of the block).
        int eighths = Lanes / 8;
        CnnParallel.For(OutGroups * 2 * eighths, unit =>
            PackEightChannels((float*)source, (float*)scales, unit / (2 * eighths), unit / eighths % 2, unit % eighths * 8, (float*)destination));
    }

    /// <summary>Floats of the packed weights (<see cref="PackWeights"/>): every group's.</summary>
    public int PackedWeightLength => checked((int)(OutGroups * GroupWeightLength));

    /// <summary>What the packed weights' layout depends on, to key a <see cref="WeightPackCache"/>.</summary>
    public object PackingKey => (nameof(DirectConv), Lanes, _g.OutChannels, _g.InChannels, _g.KernelHeight, _g.KernelWidth);

    /// <summary>
    /// Output channels co0 … co0 + 7 (co0 = (2q + b)·L + l0) of the packed weights. w's rows are [Cin·kH·kW] with k = ci·Taps + t;
    /// 8 rows × 8 consecutive k are turned at once (AVX), each k then stored as 8 lanes at its (t, c) place.
    /// </summary>
    private void PackEightChannels(float* w, float* scale, int q, int b, int l0, float* packed)
    {
        int co0 = (2 * q + b) * Lanes + l0, patch = _g.InChannels * Taps;
        float* factors = stackalloc float[8];
        for (int r = 0; r < 8; r++) factors[r] = co0 + r >= _g.OutChannels ? 0f : scale == null ? 1f : scale[co0 + r];
        bool whole = co0 + 8 <= _g.OutChannels && Avx.IsSupported;
        int* rows = stackalloc int[8];
        for (int r = 0; r < 8; r++) rows[r] = r * patch;
        float* turned = stackalloc float[64];
        for (int ib = 0; ib < InBlocks; ib++)
        {
            int lanes = LanesIn(ib), length = lanes * Taps, k0 = ib * Lanes * Taps;
            float* block = packed + q * GroupWeightLength + (long)k0 * 2 * Lanes + b * Lanes + l0;
            int k = 0;
            if (whole)
                for (; k + 8 <= length; k += 8)
                {
                    Transpose.Block8x8(w + (long)co0 * patch + k0 + k, rows, turned, 8);
                    for (int j = 0; j < 8; j++)
                    {
                        int c = (k + j) / Taps, t = (k + j) % Taps;
                        (Vector256.Load(turned + j * 8) * Vector256.Load(factors)).Store(block + (long)(t * lanes + c) * 2 * Lanes);
                    }
                }
            for (; k < length; k++)
            {
                int c = k / Taps, t = k % Taps;
                for (int r = 0; r < 8; r++)
                    block[(long)(t * lanes + c) * 2 * Lanes + r] = co0 + r < _g.OutChannels ? factors[r] * w[(long)(co0 + r) * patch + k0 + k] : 0f;
            }
        }
    }

    /// <summary>b padded to OutBlocks·L floats (0 past Cout, or everywhere when b is null).</summary>
    public ScratchBuffer PackBias(float* bias)
    {
        var packed = ScratchPool.Rent(OutBlocks * Lanes);
        packed.Span.Clear();
        if (bias != null) new ReadOnlySpan<float>(bias, _g.OutChannels).CopyTo(packed.Span);
        return packed;
    }

    /// <summary>Scratch for one input row of <see cref="Gather"/> (strided layers only).</summary>
    public int RowScratchLength => _g.StrideW > 1 ? InputColumns * Lanes : 1;

    /// <summary>
    /// P[block][pT + ih, phase, column] = x[block·L + c, ih, iw] for c &lt; LanesIn(block), padded column pL + iw, from image
    /// planes x [Cin, H, W]; the border and the lanes past LanesIn(block) are left as they are (zero in a buffer cleared once:
    /// every image writes the same places).
    /// </summary>
    public void Gather(float* x, int block, float* padded, float* rowScratch)
    {
        int count = LanesIn(block), inPlane = _g.InHeight * _g.InWidth;
        float* source = x + (long)block * Lanes * inPlane;
        float* target = padded + (long)block * BlockLength + (long)_g.Padding.Top * RowPitch;
        if (_g.StrideW == 1)
        {
            ChannelsLast.From(source, inPlane, _g.InWidth, InputRows, InputColumns, count, target + _g.Padding.Left * Lanes, PhaseColumns, Lanes);
            return;
        }
        for (int r = 0; r < InputRows; r++)
        {
            ChannelsLast.From(source + (long)r * _g.InWidth, inPlane, _g.InWidth, 1, InputColumns, count, rowScratch, InputColumns, Lanes);
            PlaceRow(rowScratch, target + (long)r * RowPitch);
        }
    }

    /// <summary>The same from <see cref="ChannelBlocks"/> data (image n of the batch): rows of pixels copied, no transpose.</summary>
    public void GatherBlock(float* blocks, int n, int block, float* padded)
    {
        int rowLength = _g.InWidth * Lanes;
        float* source = blocks + (long)block * ChannelBlocks.StrideFor(_g.Batch * _g.InHeight * rowLength) + (long)n * _g.InHeight * rowLength;
        float* target = padded + (long)block * BlockLength + (long)_g.Padding.Top * RowPitch;
        for (int r = 0; r < InputRows; r++)
        {
            if (_g.StrideW == 1) RowCopy.Copy(target + (long)r * RowPitch + _g.Padding.Left * Lanes, source + (long)r * rowLength, InputColumns * Lanes);
            else PlaceRow(source + (long)r * rowLength, target + (long)r * RowPitch);
        }
    }

    /// <summary>
    /// For an unpadded 1×1 layer: the pixels its outputs read, x[b][n, oh·sH, ow·sW] of <see cref="ChannelBlocks"/> data, copied
    /// into channel blocks of the output's size (block b at b·StrideFor(N·Hout·Wout·L), position (n·Hout + oh)·Wout + ow).
    /// </summary>
    public void PickStridedPixels(float* blocks, float* picked)
    {
        int inPlane = _g.InHeight * _g.InWidth;
        int inStride = ChannelBlocks.StrideFor(_g.Batch * inPlane * Lanes), outStride = ChannelBlocks.StrideFor(_g.Batch * OutPlane * Lanes);
        nint source = (nint)blocks, target = (nint)picked;
        CnnParallel.For(InBlocks * _g.Batch, unit =>
        {
            int block = unit / _g.Batch, n = unit % _g.Batch;
            float* from = (float*)source + (long)block * inStride + (long)n * inPlane * Lanes;
            float* to = (float*)target + (long)block * outStride + (long)n * OutPlane * Lanes;
            for (int oh = 0; oh < _g.OutHeight; oh++)
                for (int ow = 0; ow < _g.OutWidth; ow++)
                    CopyPixel(from + ((long)oh * _g.StrideH * _g.InWidth + (long)ow * _g.StrideW) * Lanes, to + ((long)oh * _g.OutWidth + ow) * Lanes);
        });
    }

    /// <summary>A row of InputColumns pixels (L floats each) into its padded row, pixel pL + iw into phase (pL + iw) mod sW.</summary>
    private void PlaceRow(float* pixels, float* row)
    {
        int stride = _g.StrideW;
        for (int iw = 0; iw < InputColumns; iw++)
        {
            int column = _g.Padding.Left + iw;
            CopyPixel(pixels + iw * Lanes, row + (column % stride * PhaseColumns + column / stride) * Lanes);
        }
    }

    private void CopyPixel(float* source, float* destination)
    {
        if (Lanes == 16) Vector512.Store(Vector512.Load(source), destination);
        else Vector256.Store(Vector256.Load(source), destination);
    }
}
