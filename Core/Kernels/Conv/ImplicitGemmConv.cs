using System.Runtime.Intrinsics.X86;
using MLNet.Cnn.Tensors;

namespace MLNet.Cnn.Kernels;

/// <summary>
/// Convolution as an implicit GEMM: no im2col matrix and no packing of B.
/// The image is copied once into a zero-padded, stride-phase-split buffer (<see cref="PhaseImage"/>).
/// Outputs are computed on a Hout × Wq grid, position j = oh·Wq + ow, of which the columns ow ≥ Wout are
/// discarded. On that grid tap (c, kh, kw) of output j reads element offset(c, kh, kw) + j of the buffer,
/// so row p = (c, kh, kw) of the GEMM's B operand is the buffer itself, shifted by a constant
/// offset: y_grid [Cout/G, grid] = w [Cout/G, Cg·kH·kW] · B, with B's rows read in place by the
/// micro-kernel (<see cref="OffsetRows"/>). The weights are packed once per call.
/// </summary>
internal static unsafe class ImplicitGemmConv
{
    private static int KC => Gemm.Blocking.Kc;

    /// <summary>
    /// y [N, Cout, Hout, Wout] = f(conv(x [N, Cin, H, W], s ⊙ w [Cout, Cin/G, kH, kW]) + b + r) with b (may be null) and the
    /// <see cref="ConvEpilogue"/> (s, r, f); r and f are applied image by image as each is written.
    /// </summary>
    public static void Forward(Conv2dGeometry g, float* input, float* weight, float* bias, float* output, ConvEpilogue epilogue = default)
    {
        var kernel = Gemm.DefaultKernel;
        int nr = Gemm.TileSize(kernel).Nr;
        int mg = g.OutChannelsPerGroup, kg = g.PatchSize, cg = g.InChannelsPerGroup;
        // The last window reads up to nr − 1 columns past the grid: slack keeps those reads inside the buffer.
        var layout = new PhaseImage(g, slack: nr);
        int wq = layout.GridWidth, grid = g.OutHeight * wq, gridPadded = Gemm.RoundUp(grid, nr);

        // Weights of every group, packed into MR-row panels over the whole K.
        using var packedWeights = InPlaceRowsGemm.PackGroups(kernel, g.Groups, mg, kg, weight, kg, 1, (long)mg * kg,
            epilogue.WeightScale is null ? null : epilogue.WeightScale.Pointer, epilogue.Packing);
        long packedGroup = InPlaceRowsGemm.PackedLength(kernel, mg, kg);
        using var offsetBuffer = ScratchPool.Rent(kg);
        int* offsets = (int*)offsetBuffer.Pointer;
        layout.FillOffsets(offsets);

        // When the grid is the output plane itself (no discarded columns: 1×1 stride-1 layers, k×1 kernels) the GEMM writes
        // y directly, with no product buffer to compact; a last window that runs past the plane goes through the tile
        // scratch (only its columns inside the plane are written).
        bool direct = wq == g.OutWidth;
        int ldc = direct ? grid : gridPadded;
        long outImage = (long)g.OutChannels * g.OutHeight * g.OutWidth;
        var plan = ConvWorkPlan.PerImage(g.Batch);
        nint x = (nint)input, y = (nint)output, b = (nint)bias, packed = (nint)packedWeights.Pointer, offs = (nint)offsets;
        plan.Run(g.Batch, (_, first, count) =>
        {
            using var padded = ScratchPool.Rent(layout.Length);
            using var product = direct ? default : ScratchPool.Rent(g.OutChannels * gridPadded);
            for (int image = first; image < first + count; image++)
            {
                // A 1×1 stride-1 unpadded layer's buffer would be the image itself: it is read in place, except in the last
                // image, whose last window would read past the end of x (the other images' run into the next image).
                float* xImage = (float*)x + (long)image * g.InChannels * g.InHeight * g.InWidth, xp = xImage;
                if (!g.IsPointwise || image == g.Batch - 1)
                {
                    layout.Fill(xImage, padded.Pointer);
                    xp = padded.Pointer;
                }
                float* yImage = (float*)y + image * outImage, c = direct ? yImage : product.Pointer;
                for (int group = 0; group < g.Groups; group++)
                    InPlaceRowsGemm.Multiply(kernel, mg, kg, (float*)packed + group * packedGroup, xp + (long)group * cg * layout.ChannelLength,
                        (int*)offs, c + (long)group * mg * ldc, ldc, ldc, plan.ParallelGemm);
                if (direct)
                    Conv2d.AddBias((float*)b, g.OutChannels, g.OutHeight * g.OutWidth, yImage);
                else
                    CompactRows(g, c, gridPadded, wq, (float*)b, yImage);
                epilogue.Finish(yImage, image * outImage, outImage);
            }
        });
    }

    /// <summary>
    /// dw [Cout, Cin/G, kH, kW] = Σ_n dy_grid · Bᵀ (overwritten), computed transposed per group:
    ///   dwᵀ [Kg, Cout/G] = Σ_n B [Kg, grid] · dy_gridᵀ [grid, Cout/G],
    /// where B's rows are the shifted padded image (packed MR rows at a time) and dy_grid is dy on the
    /// Hout × Wp grid, zero in the discarded columns so they add nothing. Work items are (image, grid slice)
    /// pairs dealt to one slot per thread; each slot sums into its own dwᵀ and the slots are added at the end.
    /// </summary>
    public static void BackwardWeights(Conv2dGeometry g, float* input, float* gradOutput, float* gradWeight)
    {
        var kernel = Gemm.DefaultKernel;
        var (mr, nr) = Gemm.TileSize(kernel);
        int mg = g.OutChannelsPerGroup, kg = g.PatchSize, cg = g.InChannelsPerGroup;
        var layout = new PhaseImage(g, slack: nr);
        int wq = layout.GridWidth, grid = g.OutHeight * wq;
        int nPanels = (mg + nr - 1) / nr, ld = nPanels * nr, partialLength = g.Groups * kg * ld;
        int threads = CnnParallel.Threads;
        int slices = g.Batch >= threads ? 1 : Math.Min((threads + g.Batch - 1) / g.Batch, (grid + KC - 1) / KC);
        int items = g.Batch * slices, slots = Math.Min(threads, items);

        using var offsetBuffer = ScratchPool.Rent(kg);
        int* offsets = (int*)offsetBuffer.Pointer;
        layout.FillOffsets(offsets);
        using var partials = ScratchPool.Rent(slots * partialLength);
        nint x = (nint)input, dy = (nint)gradOutput, acc = (nint)partials.Pointer, offs = (nint)offsets;
        CnnParallel.For(slots, slot =>
        {
            float* dwT = (float*)acc + (long)slot * partialLength;
            new Span<float>(dwT, partialLength).Clear();
            using var padded = ScratchPool.Rent(layout.Length);
            using var packedDy = ScratchPool.Rent(KC * ld);
            using var packedRows = ScratchPool.Rent(KC * mr);
            float* tile = stackalloc float[Gemm.TileScratchLength];
            int paddedImage = -1;
            for (int item = slot; item < items; item += slots)
            {
                int image = item / slices, slice = item % slices;
                int j1 = (int)((long)grid * (slice + 1) / slices);
                if (paddedImage != image)
                {
                    layout.Fill((float*)x + (long)image * g.InChannels * g.InHeight * g.InWidth, padded.Pointer);
                    paddedImage = image;
                }
                for (int group = 0; group < g.Groups; group++)
                {
                    float* xGroup = padded.Pointer + (long)group * cg * layout.ChannelLength;
                    float* dyGroup = (float*)dy + ((long)image * g.OutChannels + group * mg) * g.OutHeight * g.OutWidth;
                    float* dwGroup = dwT + (long)group * kg * ld;
                    for (int j0 = (int)((long)grid * slice / slices); j0 < j1; j0 += KC)
                    {
                        int kc = Math.Min(KC, j1 - j0);
                        PackGradOutputOnGrid(g, dyGroup, mg, wq, j0, kc, nr, nPanels, packedDy.Pointer);
                        for (int i = 0; i < kg; i += mr)
                        {
                            int rowsValid = Math.Min(mr, kg - i);
                            PackShiftedRows(xGroup + j0, (int*)offs + i, rowsValid, mr, kc, packedRows.Pointer);
                            for (int panel = 0; panel < nPanels; panel++)
                                Gemm.Tile(kernel, kc, packedRows.Pointer, new PackedRows(packedDy.Pointer + (long)panel * kc * nr, nr),
                                    dwGroup + (long)i * ld + panel * nr, ld, rowsValid, Math.Min(nr, mg - panel * nr),
                                    accumulate: true, tile);
                        }
                    }
                }
            }
        });
        // dw[g·Mg + co, p] = Σ_slots dwᵀ[g][p, co]
        for (int group = 0; group < g.Groups; group++)
            for (int co = 0; co < mg; co++)
                for (int p = 0; p < kg; p++)
                {
                    float sum = 0;
                    for (int slot = 0; slot < slots; slot++)
                        sum += ((float*)acc)[(long)slot * partialLength + ((long)group * kg + p) * ld + co];
                    gradWeight[((long)group * mg + co) * kg + p] = sum;
                }
    }

    /// <summary>
    /// Packs dy_gridᵀ rows j0 … j0+kc−1 into ⌈mg/nr⌉ panels [kc][nr]: panel q, row k, column t holds
    /// dy[q·nr + t, oh, ow] for grid position j0 + k = oh·Wp + ow, or 0 when ow ≥ Wout or q·nr + t ≥ mg.
    /// </summary>
    private static void PackGradOutputOnGrid(Conv2dGeometry g, float* dy, int mg, int wp, int j0, int kc, int nr, int nPanels, float* dst)
    {
        new Span<float>(dst, kc * nPanels * nr).Clear();
        int plane = g.OutHeight * g.OutWidth;
        for (int co = 0; co < mg; co++)
        {
            float* d = dst + (long)(co / nr) * kc * nr + co % nr;
            float* src = dy + (long)co * plane;
            int oh = j0 / wp, ow = j0 % wp;
            for (int k = 0; k < kc; k++)
            {
                if (ow < g.OutWidth) d[k * nr] = src[oh * g.OutWidth + ow];
                if (++ow == wp) { ow = 0; oh++; }
            }
        }
    }

    /// <summary>Packs rows r &lt; rowsValid of B (row r at x + offsets[r], kc floats) as an A panel [kc][mr], zero-filling the missing rows.</summary>
    private static void PackShiftedRows(float* x, int* offsets, int rowsValid, int mr, int kc, float* dst)
    {
        int k = 0;
        if (mr == 8 && rowsValid == 8 && Avx.IsSupported)
            for (; k + 8 <= kc; k += 8)
                Transpose.Block8x8(x + k, offsets, dst + k * 8, 8);
        for (int r = 0; r < mr; r++)
        {
            float* d = dst + r;
            float* src = x + offsets[r];
            for (int j = k; j < kc; j++) d[j * mr] = r < rowsValid ? src[j] : 0f;
        }
    }

    /// <summary>Grid rows [Cout, Hout·Wp] (row stride ld) → y [Cout, Hout, Wout], dropping columns ≥ Wout, adding b.</summary>
    private static void CompactRows(Conv2dGeometry g, float* grid, int ld, int wp, float* bias, float* y)
    {
        int wo = g.OutWidth;
        for (int co = 0; co < g.OutChannels; co++)
            for (int oh = 0; oh < g.OutHeight; oh++)
                RowCopy.Copy(y + ((long)co * g.OutHeight + oh) * wo, grid + (long)co * ld + oh * wp, wo);
        // The bias over whole planes: one vectorized pass per channel, not one short call per row.
        Conv2d.AddBias(bias, g.OutChannels, g.OutHeight * wo, y);
    }
}
