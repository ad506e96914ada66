using MLNet.Cnn.Tensors;

namespace MLNet.Cnn.Kernels;

/// <summary>
/// Direct convolution with the channels in the vector lanes (the NCHWc scheme of oneDNN and ONNX Runtime), for the forward
/// pass: each image is copied once into the zero-padded, channel-blocked, column-phase-split buffer of
/// <see cref="DirectConvLayout"/>; every output row is then cut into tiles of up to 12 outputs (6 at 256 bits) for pairs of
/// output-channel blocks, each tile summing all input channels and taps in registers (<see cref="DirectConvTile"/>) with
/// no border test, no im2col matrix and no discarded columns; the channel blocks are turned back into planes, and the
/// epilogue (addend, activation) runs on the image while it is in cache. Weights are packed once per call, the batch norm
/// scale folded in. Shapes: x [N, Cin, H, W], w [Cout, Cin, kH, kW], b [Cout], y [N, Cout, Hout, Wout]; groups = 1.
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

    public static void Forward<TVector>(Conv2dGeometry g, float* input, float* weight, float* bias, float* output, ConvEpilogue epilogue)
        where TVector : struct, IFloatVector<TVector>
    {
        var layout = new DirectConvLayout(g, TVector.Count);
        using var packedWeights = layout.PackWeights(weight, epilogue.WeightScale is null ? null : epilogue.WeightScale.Pointer);
        using var packedBias = layout.PackBias(bias);
        using var tapBuffer = ScratchPool.Rent(layout.Taps);
        layout.FillTapOffsets((int*)tapBuffer.Pointer);
        // Tiles of one row as even as the register budget allows: 14 outputs → 7 + 7, 28 → 10 + 10 + 8.
        int tilesPerRow = (g.OutWidth + MaxPositions<TVector>() - 1) / MaxPositions<TVector>();
        int tileWidth = (g.OutWidth + tilesPerRow - 1) / tilesPerRow;
        int bandRows = Math.Min(g.OutHeight, (BandPositions + g.OutWidth - 1) / g.OutWidth), bands = (g.OutHeight + bandRows - 1) / bandRows;
        long inImage = (long)g.InChannels * g.InHeight * g.InWidth, outImage = (long)g.OutChannels * layout.OutPlane;
        var plan = ConvWorkPlan.PerImage(g.Batch);
        nint x = (nint)input, y = (nint)output, w = (nint)packedWeights.Pointer, b = (nint)packedBias.Pointer, taps = (nint)tapBuffer.Pointer;
        plan.Run(g.Batch, (_, first, count) =>
        {
            using var padded = ScratchPool.Rent(layout.InputLength);
            padded.Span.Clear();   // the border stays zero: every image writes the same interior
            nint p = (nint)padded.Pointer;
            for (int image = first; image < first + count; image++)
            {
                float* xImage = (float*)x + image * inImage;
                plan.ForEach(layout.InBlocks, block =>
                {
                    using var rowScratch = ScratchPool.Rent(layout.RowScratchLength);
                    layout.Gather(xImage, block, (float*)p, rowScratch.Pointer);
                });
                var band = new Band(g, layout, (float*)p, (int*)taps, (float*)w, (float*)b, tileWidth, bandRows, epilogue, image, (float*)y + image * outImage);
                plan.ForEach(layout.OutGroups * bands, unit => band.Run<TVector>(unit / bands, unit % bands));
            }
        });
    }

    /// <summary>One image's output bands: rows oh0 … oh0 + bandRows − 1 of a group of two output blocks, tile by tile, then into y's planes.</summary>
    private readonly struct Band(Conv2dGeometry g, DirectConvLayout layout, float* padded, int* taps, float* weights, float* bias,
        int tileWidth, int bandRows, ConvEpilogue epilogue, int image, float* y)
    {
        public void Run<TVector>(int group, int band) where TVector : struct, IFloatVector<TVector>
        {
            int lanes = layout.Lanes, blocks = Math.Min(2, layout.OutBlocks - 2 * group);
            int oh0 = band * bandRows, rows = Math.Min(bandRows, g.OutHeight - oh0), positions = rows * g.OutWidth;
            using var buffer = ScratchPool.Rent(2 * positions * lanes);   // O [2, rows·Wout, L]
            float* w = weights + group * layout.GroupWeightLength, b = bias + 2 * group * lanes;
            for (int oh = oh0; oh < oh0 + rows; oh++)
                for (int ow = 0; ow < g.OutWidth; ow += tileWidth)
                {
                    var tile = new Tile(padded + layout.TileOrigin(oh, ow), taps, layout.Taps, layout.InBlocks, layout.BlockLength,
                        layout.LanesIn(layout.InBlocks - 1), w, b, buffer.Pointer + ((long)(oh - oh0) * g.OutWidth + ow) * lanes, positions * lanes);
                    int count = Math.Min(tileWidth, g.OutWidth - ow);
                    if (blocks == 2) tile.Run<TVector, Count2>(count);
                    else tile.Run<TVector, Count1>(count);
                }
            // The band's rows of each plane are one contiguous run of y.
            int plane = layout.OutPlane;
            long start = (long)oh0 * g.OutWidth;
            for (int k = 0; k < blocks; k++)
            {
                int block = 2 * group + k, channels = layout.LanesOut(block);
                float* yBlock = y + (long)block * lanes * plane + start;
                ChannelsLast.To(buffer.Pointer + (long)k * positions * lanes, positions, 1, positions, channels, yBlock, plane, plane, lanes);
                if (!epilogue.IsEmpty)
                    for (int c = 0; c < channels; c++)
                        epilogue.Finish(yBlock + (long)c * plane, (long)image * g.OutChannels * plane + (long)(block * lanes + c) * plane + start, positions);
            }
        }
    }

    /// <summary>The arguments of one <see cref="DirectConvTile.Run"/> call; <see cref="Run"/> picks its specialisation by the number of positions.</summary>
    private readonly struct Tile(float* x, int* tapOffsets, int taps, int inBlocks, int blockLength, int lastLanes,
        float* w, float* bias, float* y, int yBlockStride)
    {
        public void Run<TVector, TBlocks>(int positions) where TVector : struct, IFloatVector<TVector> where TBlocks : struct, IStaticCount
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
            DirectConvTile.Run<TVector, TPositions, TBlocks>(x, tapOffsets, taps, inBlocks, blockLength, lastLanes, w, bias, y, yBlockStride);
    }
}
