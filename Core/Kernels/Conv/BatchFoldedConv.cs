using MLNet.Cnn.Tensors;

namespace MLNet.Cnn.Kernels;

/// <summary>
/// Convolution as one GEMM per group whose columns span a chunk of images side by side: the batch folded into
/// the GEMM's N. For the late stages of ResNet / MobileNet (2×2–7×7 maps, hundreds of channels) the per-image
/// GEMM of <see cref="ImplicitGemmConv"/> has only a handful of columns, mostly padding of its micro-tiles, and
/// streams the whole weight matrix once per image; here it sees n·Hout·Wout columns and the weights once per chunk.
/// With Kg = Cg·kH·kW (Cg = Cin/G), Mg = Cout/G, P = Hout·Wout and a chunk of n images, ld = n·P:
///   forward:          y_cols [Mg, ld] = w_g [Mg, Kg] · cols [Kg, ld], scattered to y [N, Cout, Hout, Wout] (+ b)
///   input gradient:   dcols  [Kg, ld] = w_gᵀ [Kg, Mg] · dy_cols [Mg, ld], scattered onto dx by col2im
///   weight gradient:  dw_g   [Mg, Kg] = Σ_chunks dy_cols [Mg, ld] · colsᵀ [ld, Kg]
/// cols is the chunk's im2col (<see cref="Im2Col.GatherChunk"/>; for a 1×1 stride-1 kernel just its planes side by
/// side), dy_cols the output gradient's planes side by side. Forward and input gradient pack the weights once per call
/// for all chunks and threads and read cols / dy_cols in place (<see cref="InPlaceRowsGemm"/>); the weight gradient is
/// one <c>Gemm.Multiply</c> per chunk. A chunk of one image writes y or (1×1) dx in place. Chunks hold as many
/// images as <see cref="ConvWorkPlan.ColumnBufferBytes"/> allows.
/// Every output element gets the same arithmetic however the batch is cut into chunks and the GEMM into
/// threads, except the weight gradient's sum over chunks, whose cut depends on the shape alone: all three
/// passes give the same bits whatever the thread count.
/// </summary>
internal static unsafe class BatchFoldedConv
{
    /// <summary>
    /// y [N, Cout, Hout, Wout] = f(conv(x [N, Cin, H, W], s ⊙ w [Cout, Cin/G, kH, kW]) + b + r) with b (may be null) and the
    /// <see cref="ConvEpilogue"/> (s, r, f); r and f are applied chunk by chunk as each is written.
    /// </summary>
    public static void Forward(Conv2dGeometry g, float* input, float* weight, float* bias, float* output, ConvEpilogue epilogue = default)
    {
        var kernel = Gemm.DefaultKernel;
        int p = g.OutHeight * g.OutWidth, mg = g.OutChannelsPerGroup, kg = g.PatchSize, cg = g.InChannelsPerGroup;
        long inPlane = (long)g.InHeight * g.InWidth, inImage = g.InChannels * inPlane, outImage = (long)g.OutChannels * p;
        var plan = ConvWorkPlan.For(g.Batch, p, kg + mg);
        using var taps = ScratchPool.Rent(Im2Col.TapTableLength(g));
        Im2Col.FillTapTable(g, (int*)taps.Pointer);
        // w_g [mg, kg], packed once for every chunk and thread.
        using var packedWeights = InPlaceRowsGemm.PackGroups(kernel, g.Groups, mg, kg, weight, kg, 1, (long)mg * kg,
            epilogue.WeightScale is null ? null : epilogue.WeightScale.Pointer, epilogue.Packing);
        long packedGroup = InPlaceRowsGemm.PackedLength(kernel, mg, kg);
        nint x = (nint)input, packed = (nint)packedWeights.Pointer, b = (nint)bias, y = (nint)output, table = (nint)taps.Pointer;
        plan.Run(g.Batch, (_, first, count) =>
        {
            int ld = count * p;
            bool direct = count == 1;
            using var cols = RentColumns(kernel, kg, ld);
            using var offsets = RowOffsets(kg, ld);
            using var product = direct ? default : ScratchPool.Rent(mg * ld);
            for (int group = 0; group < g.Groups; group++)
            {
                float* xGroup = (float*)x + first * inImage + group * cg * inPlane;
                float* yGroup = (float*)y + first * outImage + (long)group * mg * p;
                float* bGroup = bias == null ? null : (float*)b + group * mg;
                Im2Col.GatherChunk(g, (int*)table, xGroup, inImage, count, cols.Pointer, ld, plan);
                // y_cols [mg, ld] = w_g [mg, kg] · cols [kg, ld]; for one image y_cols is y itself.
                float* c = direct ? yGroup : product.Pointer;
                InPlaceRowsGemm.Multiply(kernel, mg, kg, (float*)packed + group * packedGroup, cols.Pointer, (int*)offsets.Pointer,
                    c, ld, ld, plan.ParallelGemm);
                if (direct)
                    Conv2d.AddBias(bGroup, mg, p, yGroup);
                else
                    Im2Col.ColumnsToImages(c, ld, mg, p, count, bGroup, yGroup, outImage);
                for (int i = 0; i < count; i++)
                    epilogue.Finish(yGroup + i * outImage, (first + i) * outImage + (long)group * mg * p, (long)mg * p);
            }
        });
    }

    /// <summary>dx [N, Cin, H, W] = convᵀ(dy [N, Cout, Hout, Wout], w [Cout, Cin/G, kH, kW]).</summary>
    public static void BackwardData(Conv2dGeometry g, float* gradOutput, float* weight, float* gradInput)
    {
        var kernel = Gemm.DefaultKernel;
        int p = g.OutHeight * g.OutWidth, mg = g.OutChannelsPerGroup, kg = g.PatchSize, cg = g.InChannelsPerGroup;
        long inPlane = (long)g.InHeight * g.InWidth, inImage = g.InChannels * inPlane, outImage = (long)g.OutChannels * p;
        var plan = ConvWorkPlan.For(g.Batch, p, kg + mg);
        // w_gᵀ [kg, mg], packed once for every chunk and thread.
        using var packedWeights = InPlaceRowsGemm.PackGroups(kernel, g.Groups, kg, mg, weight, 1, kg, (long)mg * kg);
        long packedGroup = InPlaceRowsGemm.PackedLength(kernel, kg, mg);
        nint dy = (nint)gradOutput, packed = (nint)packedWeights.Pointer, dx = (nint)gradInput;
        plan.Run(g.Batch, (_, first, count) =>
        {
            int ld = count * p;
            bool direct = count == 1;
            using var dyCols = RentColumns(kernel, mg, ld);
            using var offsets = RowOffsets(mg, ld);
            using var colGrad = g.IsPointwise && direct ? default : ScratchPool.Rent(kg * ld);
            // col2im adds into dx; a 1×1 stride-1 kernel's columns are dx's planes and are copied instead.
            if (!g.IsPointwise) new Span<float>((float*)dx + first * inImage, checked((int)(count * inImage))).Clear();
            for (int group = 0; group < g.Groups; group++)
            {
                float* dyGroup = (float*)dy + first * outImage + (long)group * mg * p;
                float* dxGroup = (float*)dx + first * inImage + group * cg * inPlane;
                Im2Col.ImagesToColumns(dyGroup, outImage, mg, p, count, dyCols.Pointer, ld);
                // dcols [kg, ld] = w_gᵀ [kg, mg] · dy_cols [mg, ld]; for 1×1 on one image dcols is dx itself.
                float* c = g.IsPointwise && direct ? dxGroup : colGrad.Pointer;
                InPlaceRowsGemm.Multiply(kernel, kg, mg, (float*)packed + group * packedGroup, dyCols.Pointer, (int*)offsets.Pointer,
                    c, ld, ld, plan.ParallelGemm);
                if (g.IsPointwise)
                {
                    if (!direct) Im2Col.ColumnsToImages(c, ld, cg, p, count, null, dxGroup, inImage);
                    continue;
                }
                nint cm = (nint)c, dxg = (nint)dxGroup;
                plan.ForEach(count, i => Im2Col.Scatter(g, (float*)cm + i * p, ld, (float*)dxg + i * inImage));
            }
        });
    }

    /// <summary>A [rows, ld] column matrix for <see cref="InPlaceRowsGemm"/>, readable NR floats past its end.</summary>
    private static ScratchBuffer RentColumns(GemmKernel kernel, int rows, int ld) =>
        ScratchPool.Rent(rows * ld + Gemm.TileSize(kernel).Nr);

    /// <summary>offsets[r] = r·ld: row r of a row-major [rows, ld] matrix, as <see cref="OffsetRows"/> reads it.</summary>
    private static ScratchBuffer RowOffsets(int rows, int ld)
    {
        var buffer = ScratchPool.Rent(rows);
        int* offsets = (int*)buffer.Pointer;
        for (int r = 0; r < rows; r++) offsets[r] = checked(r * ld);
        return buffer;
    }

    /// <summary>
    /// dw [Cout, Cin/G, kH, kW] = Σ_{n, oh, ow} dy · x at the tap (overwritten). x [N, Cin, H, W], dy [N, Cout, Hout, Wout].
    /// The chunks run one after the other, each adding its GEMM into dw (<see cref="ConvWorkPlan.Sequential"/>).
    /// </summary>
    public static void BackwardWeights(Conv2dGeometry g, float* input, float* gradOutput, float* gradWeight)
    {
        int p = g.OutHeight * g.OutWidth, mg = g.OutChannelsPerGroup, kg = g.PatchSize, cg = g.InChannelsPerGroup;
        long inPlane = (long)g.InHeight * g.InWidth, inImage = g.InChannels * inPlane, outImage = (long)g.OutChannels * p;
        var plan = ConvWorkPlan.Sequential(g.Batch, p, kg + mg);
        int maxColumns = plan.ImagesPerChunk * p;
        bool chunked = plan.ImagesPerChunk > 1;
        using var taps = ScratchPool.Rent(Im2Col.TapTableLength(g));
        Im2Col.FillTapTable(g, (int*)taps.Pointer);
        using var cols = g.IsPointwise && !chunked ? default : ScratchPool.Rent(kg * maxColumns);
        using var gathered = chunked ? ScratchPool.Rent(mg * maxColumns) : default;
        nint x = (nint)input, dy = (nint)gradOutput, dw = (nint)gradWeight, table = (nint)taps.Pointer;
        nint colBuffer = g.IsPointwise && !chunked ? 0 : (nint)cols.Pointer, dyBuffer = chunked ? (nint)gathered.Pointer : 0;
        plan.Run(g.Batch, (_, first, count) =>
        {
            int ld = count * p;
            bool direct = count == 1;
            for (int group = 0; group < g.Groups; group++)
            {
                float* xGroup = (float*)x + first * inImage + group * cg * inPlane;
                float* dyGroup = (float*)dy + first * outImage + (long)group * mg * p;
                float* colMatrix = g.IsPointwise && direct ? xGroup : (float*)colBuffer;
                if (colMatrix != xGroup)
                    Im2Col.GatherChunk(g, (int*)table, xGroup, inImage, count, (float*)colBuffer, ld, plan);
                float* dyCols = dyGroup;
                if (!direct)
                {
                    dyCols = (float*)dyBuffer;
                    Im2Col.ImagesToColumns(dyGroup, outImage, mg, p, count, dyCols, ld);
                }
                // dw_g [mg, kg] (+)= dy_cols [mg, ld] · colsᵀ [ld, kg]
                Gemm.Multiply(mg, kg, ld, dyCols, ld, 1, colMatrix, 1, ld, (float*)dw + (long)group * mg * kg, kg,
                    accumulate: first > 0, plan.ParallelGemm);
            }
        });
    }
}
