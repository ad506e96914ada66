using System.Runtime.Intrinsics.X86;
using MLNet.Cnn.Tensors;

namespace MLNet.Cnn.Kernels;

/// <summary>
/// Direct convolution with the channels in the vector lanes (the NCHWc scheme of oneDNN and ONNX Runtime), for the forward
/// pass: each image is copied once into the zero-padded, channel-blocked, column-phase-split buffer of
/// <see cref="DirectConvLayout"/>; every output row is then cut into tiles of up to 12 outputs (6 at 256 bits) for pairs of
/// output-channel blocks, each tile summing all input channels and taps in registers (<see cref="DirectConvTile"/>) with
/// no border test, no im2col matrix and no discarded columns; the output is turned back into planes band by band, or kept
/// as <see cref="ChannelBlocks"/> for the next layer at inference, and the epilogue (addend, activation) runs on each band
/// while it is in cache. Input as channel blocks is copied by rows, with no transpose; a 1×1 stride-1 layer from blocks to
/// blocks reads them in place (<see cref="Flat"/>), a strided unpadded 1×1 one after picking the pixels it reads. Weights are packed with the batch norm scale folded in, once per call or kept between
/// inference calls (<see cref="WeightPackCache"/>).
/// Shapes: x [N, Cin, H, W], w [Cout, Cin, kH, kW], b [Cout], y [N, Cout, Hout, Wout]; groups = 1.
/// Each output is summed in one fixed order by one thread: the same bits on any thread count.
/// </summary>
internal static unsafe class DirectConv
{
    /// <summary>Outputs per tile: 12 at 512 bits (24 accumulators of 32 registers), 6 at 256 bits (12 of 16).</summary>
    internal static int MaxPositions<TVector>() where TVector : struct, IFloatVector<TVector> => TVector.Count == 16 ? 12 : 6;

    /// <summary>
    /// Output rows are computed and turned back into planes in bands of at least this many positions (whole rows; the whole
    /// plane for small maps): a band of two blocks stays in L1 between the tiles that write it and the transpose that reads it,
    /// and the transpose gets rows long enough for its 8-column blocks.
    /// </summary>
    private const int BandPositions = 64;

    /// <summary>
    /// y = f(conv(x, s ⊙ w) + b + r) (<see cref="ConvEpilogue"/>): x and y each as planes [N, C, H, W] or as
    /// <see cref="ChannelBlocks"/> data (<paramref name="inputBlocked"/>, <paramref name="outputBlocked"/>), r in y's layout.
    /// Channel blocks: position p (over all images) of block b at b·<see cref="ChannelBlocks.StrideFor"/>(N·H·W·L) + p·L.
    /// </summary>
    public static void Forward<TVector>(Conv2dGeometry g, float* input, bool inputBlocked, float* weight, float* bias, float* output,
        bool outputBlocked, ConvEpilogue epilogue) where TVector : struct, IFloatVector<TVector>
    {
        var layout = new DirectConvLayout(g, TVector.Count);
        float* scale = epilogue.WeightScale is null ? null : epilogue.WeightScale.Pointer;
        using var packedWeights = WeightPackCache.Pack(epilogue.Packing, layout.PackingKey,
            new WeightPackSource(weight, g.WeightShape.Length, scale, null, g.OutChannels), layout.PackedWeightLength,
            packed => layout.PackWeights(weight, scale, packed));
        using var packedBias = layout.PackBias(bias);
        using var tapBuffer = ScratchPool.Rent(layout.Taps);
        layout.FillTapOffsets((int*)tapBuffer.Pointer);
        var weights = new PackedWeights(layout, (float*)packedWeights.Pointer, (float*)packedBias.Pointer, (int*)tapBuffer.Pointer);
        var target = new Target(g, layout, output, outputBlocked, epilogue);
        if (inputBlocked && outputBlocked && g.IsPointwise)
            Flat<TVector>(g, layout, weights, input, target);
        else if (inputBlocked && outputBlocked && g.IsUnpaddedOneByOne)
        {
            // A strided 1×1 layer (a ResNet downsampling shortcut) reads one pixel in sH·sW: those are picked into blocks of the
            // output's size, and it runs as a stride-1 one, instead of copying whole images into the padded buffer.
            using var picked = ScratchPool.Rent(layout.InBlocks * ChannelBlocks.StrideFor(g.Batch * layout.OutPlane * layout.Lanes));
            layout.PickStridedPixels(input, picked.Pointer);
            Flat<TVector>(g, layout, weights, picked.Pointer, target);
        }
        else
            PerImage<TVector>(g, layout, weights, input, inputBlocked, target);
    }

    /// <summary>
    /// A 1×1 stride-1 layer from channel blocks to channel blocks: the positions of all images are one row per block, read in
    /// place in tiles of the widest size, no copy in or out. Work goes by chunks of positions: a chunk's pixels of all input
    /// blocks stay in L2 while every group of output blocks sweeps its tiles (a group's weights in L1 across the tiles), so the
    /// input is read from memory once whatever the number of output channels; chunks are split by groups too when there are few.
    /// Each chunk asks for the next one's pixels to be brought into L2 before its tiles start (<see cref="PrefetchChunk"/>).
    /// </summary>
    private static void Flat<TVector>(Conv2dGeometry g, DirectConvLayout layout, PackedWeights weights, float* input, Target target)
        where TVector : struct, IFloatVector<TVector>
    {
        int lanes = layout.Lanes, widest = MaxPositions<TVector>(), positions = g.Batch * layout.OutPlane;
        // Chunks of at most 8 tiles, and at least one per thread while there are tiles for them, cut evenly in whole tiles:
        // 128 positions (MobileNetV2's 2×2 maps, batch 32) are two chunks of 72 and 56, not 96 and 32.
        int wanted = Math.Max((positions + widest * 8 - 1) / (widest * 8), Math.Min(CnnParallel.Threads, (positions + widest - 1) / widest));
        int chunk = ((positions + wanted - 1) / wanted + widest - 1) / widest * widest, chunks = (positions + chunk - 1) / chunk;
        int groups = layout.OutGroups, splits = Math.Min(groups, Math.Max(1, 2 * CnnParallel.Threads / chunks));
        int blockLength = ChannelBlocks.StrideFor(positions * lanes);
        nint x = (nint)input;
        CnnParallel.For(chunks * splits, unit =>
        {
            int p0 = unit / splits * chunk, count = Math.Min(chunk, positions - p0), split = unit % splits;
            int group0 = groups * split / splits, group1 = groups * (split + 1) / splits;
            if (split == 0) PrefetchChunk((float*)x, p0 + chunk, Math.Min(chunk, positions - p0 - chunk), lanes, layout.InBlocks, blockLength);
            for (int group = group0; group < group1; group++)
                for (int p = p0; p < p0 + count; p += widest)
                    weights.Tile((float*)x + (long)p * lanes, blockLength, group, target.Blocks(group, p), target.BlockStride)
                        .Run<TVector>(Math.Min(widest, p0 + count - p), Math.Min(2, layout.OutBlocks - 2 * group));
            for (int group = group0; group < group1; group++) target.FinishBlocks(group, p0, count);
        });
    }

    /// <summary>
    /// Asks for positions [p0, p0 + count) of every input block to be brought into L2 (a prefetch hint per cache line, nothing
    /// without SSE). The chunk after this one is usually the same thread's next unit, and its pixels come from memory in as many
    /// streams as there are input blocks, which the hardware prefetchers follow poorly: measured on ResNet-50's 256 → 64 1×1 layer
    /// at 56×56 (batch 8, Zen 5), 230 → 253–317 GFLOP/s; layers with fewer input blocks moved within the noise.
    /// </summary>
    private static void PrefetchChunk(float* x, int p0, int count, int lanes, int blocks, int blockLength)
    {
        if (count <= 0 || !Sse.IsSupported) return;
        for (int b = 0; b < blocks; b++)
        {
            byte* start = (byte*)(x + (long)b * blockLength + (long)p0 * lanes), end = start + (long)count * lanes * sizeof(float);
            for (byte* line = start; line < end; line += CacheLineBytes) Sse.Prefetch1(line);
        }
    }

    private const int CacheLineBytes = 64;

    /// <summary>Image by image: copied into the padded buffer of <see cref="DirectConvLayout"/>, then output bands over the threads.</summary>
    private static void PerImage<TVector>(Conv2dGeometry g, DirectConvLayout layout, PackedWeights weights, float* input, bool inputBlocked,
        Target target) where TVector : struct, IFloatVector<TVector>
    {
        var plan = ConvWorkPlan.PerImage(g.Batch);
        // One padded buffer per worker slot, cleared once per call: its border stays zero, every image writes the same interior.
        var slotBuffers = new ScratchBuffer[plan.Slots];
        for (int slot = 0; slot < plan.Slots; slot++)
        {
            slotBuffers[slot] = ScratchPool.Rent(layout.InputLength);
            slotBuffers[slot].Span.Clear();
        }
        try
        {
            Images<TVector>(g, layout, weights, input, inputBlocked, target, plan, slotBuffers);
        }
        finally
        {
            foreach (var buffer in slotBuffers) buffer.Dispose();
        }
    }

    /// <summary>The images of one call, each gathered into its worker slot's padded buffer, its bands over the threads when the slots are fewer.</summary>
    private static void Images<TVector>(Conv2dGeometry g, DirectConvLayout layout, PackedWeights weights, float* input, bool inputBlocked,
        Target target, ConvWorkPlan plan, ScratchBuffer[] slotBuffers) where TVector : struct, IFloatVector<TVector>
    {
        // Tiles of one row as even as the register budget allows: 14 outputs → 7 + 7, 28 → 10 + 10 + 8.
        int tilesPerRow = (g.OutWidth + MaxPositions<TVector>() - 1) / MaxPositions<TVector>();
        int tileWidth = (g.OutWidth + tilesPerRow - 1) / tilesPerRow;
        int bandRows = Math.Min(g.OutHeight, (BandPositions + g.OutWidth - 1) / g.OutWidth), bands = (g.OutHeight + bandRows - 1) / bandRows;
        long inImage = (long)g.InChannels * g.InHeight * g.InWidth;
        int slices = layout.InputSlices;
        nint x = (nint)input;
        plan.Run(g.Batch, (slot, first, count) =>
        {
            nint p = (nint)slotBuffers[slot].Pointer;
            for (int image = first; image < first + count; image++)
            {
                int n = image;
                plan.ForEach(layout.InBlocks, block =>
                {
                    if (inputBlocked)
                    {
                        layout.GatherBlock((float*)x, n, block, (float*)p);
                        return;
                    }
                    using var rowScratch = ScratchPool.Rent(layout.RowScratchLength);
                    layout.Gather((float*)x + n * inImage, block, (float*)p, rowScratch.Pointer);
                });
                // Band by band, every group of a band in turn: the band's input rows stay in cache across the groups.
                plan.ForEach(layout.OutGroups * bands, unit =>
                {
                    int group = unit % layout.OutGroups, oh0 = unit / layout.OutGroups * bandRows, rows = Math.Min(bandRows, g.OutHeight - oh0);
                    long start = (long)n * layout.OutPlane + (long)oh0 * g.OutWidth;
                    using var buffer = target.BandBuffer(rows * g.OutWidth);
                    float* band = target.Blocked ? target.Blocks(group, start) : buffer.Pointer;
                    int blockStride = target.Blocked ? target.BlockStride : rows * g.OutWidth * layout.Lanes;
                    // Slice by slice of the input channels, each slice's weights staying in L2 across the band's tiles.
                    for (int slice = 0; slice < slices; slice++)
                    {
                        var (first, end) = layout.InputSlice(slice, slices);
                        for (int oh = oh0; oh < oh0 + rows; oh++)
                            for (int ow = 0; ow < g.OutWidth; ow += tileWidth)
                                weights.Tile((float*)p + layout.TileOrigin(oh, ow), layout.BlockLength, group,
                                        band + ((long)(oh - oh0) * g.OutWidth + ow) * layout.Lanes, blockStride, first, end)
                                    .Run<TVector>(Math.Min(tileWidth, g.OutWidth - ow), Math.Min(2, layout.OutBlocks - 2 * group));
                    }
                    if (target.Blocked) target.FinishBlocks(group, start, rows * g.OutWidth);
                    else target.FinishPlanes(group, n, oh0 * g.OutWidth, rows * g.OutWidth, band);
                });
            }
        });
    }

    /// <summary>The packed weights, bias and tap offsets of one call; <see cref="Tile"/> makes the arguments of one register tile.</summary>
    private readonly struct PackedWeights(DirectConvLayout layout, float* weights, float* bias, int* taps)
    {
        /// <summary>
        /// The tile at x (the origin in block 0) summing input blocks [first, end) of group <paramref name="group"/>: from the
        /// bias when first is 0, else adding to the sums y already holds.
        /// </summary>
        public Tile Tile(float* x, int blockLength, int group, float* y, int yBlockStride, int first = 0, int end = -1)
        {
            if (end < 0) end = layout.InBlocks;
            return new(x + (long)first * blockLength, taps, layout.Taps, end - first, blockLength, layout.LanesIn(end - 1),
                weights + group * layout.GroupWeightLength + layout.BlockWeightOffset(first), bias + 2 * group * layout.Lanes, y, yBlockStride,
                accumulate: first > 0);
        }
    }

    /// <summary>
    /// Where the outputs go. Channel blocks: the tiles write y itself (position p of block ob at (ob·N·Hout·Wout + p)·L), then
    /// the epilogue runs on each block's contiguous run. Planes: the tiles write a band buffer [2, positions, L], turned into
    /// the band's rows of each plane (one contiguous run of y per channel) and finished there.
    /// </summary>
    private readonly struct Target(Conv2dGeometry g, DirectConvLayout layout, float* y, bool blocked, ConvEpilogue epilogue)
    {
        public bool Blocked => blocked;

        /// <summary>Floats between output blocks in y (<see cref="ChannelBlocks.StrideFor"/> of N·Hout·Wout·L).</summary>
        public int BlockStride => ChannelBlocks.StrideFor(g.Batch * layout.OutPlane * layout.Lanes);

        public ScratchBuffer BandBuffer(int positions) => blocked ? default : ScratchPool.Rent(2 * positions * layout.Lanes);

        /// <summary>Channel blocks: where the tiles of group <paramref name="group"/> write position <paramref name="start"/> (over all images) of its first block.</summary>
        public float* Blocks(int group, long start) => y + (2L * group * BlockStride + start * layout.Lanes);

        /// <summary>The epilogue on positions [start, start + count) of the group's blocks, in place.</summary>
        public void FinishBlocks(int group, long start, int count)
        {
            if (epilogue.Addend is null && epilogue.Activation is null) return;
            for (int k = 0; k < Math.Min(2, layout.OutBlocks - 2 * group); k++)
            {
                long offset = (2L * group + k) * BlockStride + start * layout.Lanes;
                epilogue.Finish(y + offset, offset, (long)count * layout.Lanes);
            }
        }

        /// <summary>The band buffer into positions [start, start + count) of image n's planes of the group's channels, then the epilogue there.</summary>
        public void FinishPlanes(int group, int n, int start, int count, float* band)
        {
            int lanes = layout.Lanes, plane = layout.OutPlane;
            for (int k = 0; k < Math.Min(2, layout.OutBlocks - 2 * group); k++)
            {
                int block = 2 * group + k, channels = layout.LanesOut(block);
                long offset = ((long)n * g.OutChannels + block * lanes) * plane + start;
                ChannelsLast.To(band + (long)k * count * lanes, count, 1, count, channels, y + offset, plane, plane, lanes);
                if (epilogue.Addend is not null || epilogue.Activation is not null)
                    for (int c = 0; c < channels; c++) epilogue.Finish(y + offset + (long)c * plane, offset + (long)c * plane, count);
            }
        }
    }

    /// <summary>The arguments of one <see cref="DirectConvTile.Run"/> call; Run picks its specialisation by the numbers of positions and blocks.</summary>
    private readonly struct Tile(float* x, int* tapOffsets, int taps, int inBlocks, int blockLength, int lastLanes,
        float* w, float* bias, float* y, int yBlockStride, bool accumulate)
    {
        public void Run<TVector>(int positions, int blocks) where TVector : struct, IFloatVector<TVector>
        {
            if (blocks == 2) Run<TVector, Count2>(positions);
            else Run<TVector, Count1>(positions);
        }

        private void Run<TVector, TBlocks>(int positions) where TVector : struct, IFloatVector<TVector> where TBlocks : struct, IStaticCount
        {
            switch (positions)
            {
                case 1: Call<TVector, Count1, TBlocks>(); break;
                case 2: Call<TVector, Count2, TBlocks>(); break;
                case 3: Call<TVector, Count3, TBlocks>(); break;
                case 4: Call<TVector, Count4, TBlocks>(); break;
                case 5: Call<TVector, Count5, TBlocks>(); break;
                case 6: Call<TVector, Count6, TBlocks>(); break;
                case 7: Call<TVector, Count7, TBlocks>(); break;
                case 8: Call<TVector, Count8, TBlocks>(); break;
                case 9: Call<TVector, Count9, TBlocks>(); break;
                case 10: Call<TVector, Count10, TBlocks>(); break;
                case 11: Call<TVector, Count11, TBlocks>(); break;
                default: Call<TVector, Count12, TBlocks>(); break;
            }
        }

        private void Call<TVector, TPositions, TBlocks>() where TVector : struct, IFloatVector<TVector>
            where TPositions : struct, IStaticCount where TBlocks : struct, IStaticCount =>
            DirectConvTile.Run<TVector, TPositions, TBlocks>(x, tapOffsets, taps, inBlocks, blockLength, lastLanes, w, bias, y, yBlockStride, accumulate);
    }
}
