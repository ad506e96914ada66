using MLNet.Cnn.Tensors;

namespace MLNet.Cnn.Kernels;

/// <summary>
/// Depthwise convolution with one filter per channel (groups = Cin = Cout) and the channels in the vector lanes,
/// the layout ONNX Runtime's depthwise kernel uses: a block of L channels (L = 16 at 512 bits, 8 at 256) of one image
/// is copied into a zero-padded channels-last buffer P [Hp, Wp, L], and every output position is then
/// y[oh, ow, :] = b + Σ_{kh, kw} w[kh, kw, :] ⊙ P[oh·sH + kh·dH, ow·sW + kw·dW, :], one vector FMA per tap with no
/// border test, whatever the stride, dilation or map size (MobileNet's and EfficientNet's 2×2–16×16 maps and their
/// stride-2 layers, where the per-plane kernel of <see cref="DepthwiseConv2d"/> is mostly scalar). The copy in and out
/// is a transpose of the block, one read and one write per value. The input gradient scatters
/// dP[oh·sH + kh·dH, ow·sW + kw·dW, :] += w[kh, kw, :] ⊙ dy[oh, ow, :] in the same layout; the weight gradient sums
/// P ⊙ dy per tap, image by image in batch order (so the same bits on any number of threads).
/// Shapes: x [N, C, H, W], w [C, 1, kH, kW], b [C], y [N, C, Hout, Wout]. Called by <see cref="DepthwiseConv2d"/>.
/// </summary>
internal static unsafe class DepthwiseChannelBlocked
{
    /// <summary>
    /// Output rows are finished (addend, activation) in bands of about this many floats, 8 KiB, well inside L1: the rows of a
    /// large map, the outputs of several images of a small one.
    /// </summary>
    private const int BandFloats = 2048;

    /// <summary>
    /// y = f(depthwise(x, s ⊙ w) + b + r) (<see cref="ConvEpilogue"/>; s and b may be null): x as planes or as
    /// <see cref="ChannelBlocks"/> data (<paramref name="inputBlocked"/>), y likewise (<paramref name="outputBlocked"/>), r in y's layout.
    /// </summary>
    public static void Forward<TVector>(Conv2dGeometry g, float* x, bool inputBlocked, float* w, float* bias, float* y, bool outputBlocked,
        ConvEpilogue epilogue) where TVector : struct, IFloatVector<TVector>
    {
        var layout = new ChannelBlockLayout(g, TVector.Count);
        bool threeByThree = g.KernelHeight == 3 && g.KernelWidth == 3 && g.DilationW == 1;
        using var packed = PackWeights(layout, w, bias, epilogue.WeightScale is null ? null : epilogue.WeightScale.Pointer, epilogue.Packing);
        nint xs = (nint)x, ys = (nint)y, ws = (nint)packed.Pointer, bs = (nint)(packed.Pointer + layout.Blocks * layout.WeightLength);
        int inStride = ChannelBlocks.StrideFor(g.Batch * layout.InPlane * layout.Lanes), outStride = ChannelBlocks.StrideFor(g.Batch * layout.OutputLength);
        // Items go block by block, the images of a block in order: their outputs are consecutive in channel blocks, so the
        // epilogue runs once over the outputs of several small images (MobileNet's 2×2 maps are 64 floats an image).
        PlaneParallel.For(g.Batch * layout.Blocks, layout.WorkPerBlock, (first, end) =>
        {
            using var padded = ScratchPool.Rent(layout.PaddedLength);
            using var staging = ScratchPool.Rent(layout.StagingLength);
            using var buffer = outputBlocked ? default : ScratchPool.Rent(layout.OutputLength);
            padded.Span.Clear();   // the border stays zero: every block writes the same interior
            long pendingStart = 0, pendingLength = 0;   // channel-block outputs written but not finished yet: one run of y
            void Flush()
            {
                if (pendingLength > 0) epilogue.Finish((float*)ys + pendingStart, pendingStart, pendingLength);
                pendingLength = 0;
            }
            void Finished(long start, long length)
            {
                if (pendingLength > 0 && start != pendingStart + pendingLength) Flush();
                if (pendingLength == 0) pendingStart = start;
                pendingLength += length;
                if (pendingLength >= BandFloats) Flush();
            }
            for (int item = first; item < end; item++)
            {
                var (block, n) = (item / g.Batch, item % g.Batch);
                int c0 = block * layout.Lanes, count = layout.ChannelsIn(block);
                float* weights = (float*)ws + block * layout.WeightLength, blockBias = (float*)bs + block * layout.Lanes;
                // Channel blocks hold image n of block b at b·stride + n·plane·L.
                long inBlock = (long)block * inStride + (long)n * layout.InPlane * layout.Lanes;
                long outBlock = (long)block * outStride + (long)n * layout.OutputLength;
                if (inputBlocked) layout.GatherBlock((float*)xs + inBlock, padded.Pointer);
                else layout.Gather((float*)xs + ((long)n * g.InChannels + c0) * layout.InPlane, count, padded.Pointer, staging.Pointer);
                float* outputs = outputBlocked ? (float*)ys + outBlock : buffer.Pointer;
                // Bands of whole rows, each finished while in L1 (a 112×112 block of 16 channels is 800 KB: finished at the
                // end, it would come back from L3). Planes get the activation here, the addend after the scatter (y's layout).
                int bandRows = Math.Max(1, BandFloats / (g.OutWidth * layout.Lanes));
                for (int oh0 = 0; oh0 < g.OutHeight; oh0 += bandRows)
                {
                    int rows = Math.Min(bandRows, g.OutHeight - oh0);
                    for (int oh = oh0; oh < oh0 + rows; oh++)
                    {
                        float* row = outputs + (long)oh * g.OutWidth * layout.Lanes;
                        if (threeByThree) ForwardRow3x3<TVector>(g, layout, padded.Pointer, weights, blockBias, oh, row);
                        else ForwardRow<TVector>(g, layout, padded.Pointer, weights, blockBias, oh, row);
                    }
                    long bandStart = (long)oh0 * g.OutWidth * layout.Lanes, bandLength = (long)rows * g.OutWidth * layout.Lanes;
                    if (outputBlocked) Finished(outBlock + bandStart, bandLength);
                    else if (epilogue.Addend is null) epilogue.Activation?.ForwardInPlace(outputs + bandStart, bandLength);
                }
                if (outputBlocked) continue;
                long planes = ((long)n * g.OutChannels + c0) * layout.OutPlane;
                layout.ScatterOutput(outputs, count, (float*)ys + planes);
                if (epilogue.Addend is not null) epilogue.Finish((float*)ys + planes, planes, (long)count * layout.OutPlane);
            }
            Flush();
        });
    }

    public static void BackwardData<TVector>(Conv2dGeometry g, float* dy, float* w, float* dx)
        where TVector : struct, IFloatVector<TVector>
    {
        var layout = new ChannelBlockLayout(g, TVector.Count);
        using var packed = PackWeights(layout, w, bias: null);
        nint dys = (nint)dy, ws = (nint)packed.Pointer, dxs = (nint)dx;
        PlaneParallel.For(g.Batch * layout.Blocks, layout.WorkPerBlock, (first, end) =>
        {
            using var padded = ScratchPool.Rent(layout.PaddedLength);
            using var staging = ScratchPool.Rent(layout.StagingLength);
            using var grad = ScratchPool.Rent(layout.OutputLength);
            for (int item = first; item < end; item++)
            {
                var (n, block) = (item / layout.Blocks, item % layout.Blocks);
                int c0 = block * layout.Lanes, count = layout.ChannelsIn(block);
                layout.GatherOutput((float*)dys + ((long)n * g.OutChannels + c0) * layout.OutPlane, count, grad.Pointer);
                padded.Span.Clear();
                ScatterTaps<TVector>(g, layout, grad.Pointer, (float*)ws + block * layout.WeightLength, padded.Pointer);
                layout.ScatterInput(padded.Pointer, count, (float*)dxs + ((long)n * g.InChannels + c0) * layout.InPlane, staging.Pointer);
            }
        });
    }

    public static void BackwardWeights<TVector>(Conv2dGeometry g, float* x, float* dy, float* dw)
        where TVector : struct, IFloatVector<TVector>
    {
        var layout = new ChannelBlockLayout(g, TVector.Count);
        nint xs = (nint)x, dys = (nint)dy, dws = (nint)dw;
        PlaneParallel.For(layout.Blocks, g.Batch * layout.WorkPerBlock, (first, end) =>
        {
            using var padded = ScratchPool.Rent(layout.PaddedLength);
            using var staging = ScratchPool.Rent(layout.StagingLength);
            using var grad = ScratchPool.Rent(layout.OutputLength);
            using var imageSums = ScratchPool.Rent(layout.WeightLength);
            var totals = new double[layout.WeightLength];
            padded.Span.Clear();
            for (int block = first; block < end; block++)
            {
                int c0 = block * layout.Lanes, count = layout.ChannelsIn(block);
                Array.Clear(totals);
                for (int n = 0; n < g.Batch; n++)
                {
                    layout.Gather((float*)xs + ((long)n * g.InChannels + c0) * layout.InPlane, count, padded.Pointer, staging.Pointer);
                    layout.GatherOutput((float*)dys + ((long)n * g.OutChannels + c0) * layout.OutPlane, count, grad.Pointer);
                    TapSums<TVector>(g, layout, padded.Pointer, grad.Pointer, imageSums.Pointer);
                    for (int i = 0; i < totals.Length; i++) totals[i] += imageSums.Pointer[i];
                }
                // totals [taps, L] → dw [C, 1, kH, kW]
                for (int c = 0; c < count; c++)
                    for (int t = 0; t < layout.Taps; t++)
                        ((float*)dws)[(long)(c0 + c) * layout.Taps + t] = (float)totals[t * layout.Lanes + c];
            }
        });
    }

    /// <summary>
    /// Weights [blocks][taps, L], then biases [blocks][L] (zeros without a bias), packed once for the whole batch, or kept
    /// between inference calls in <paramref name="cache"/>.
    /// </summary>
    private static ScratchBuffer PackWeights(ChannelBlockLayout layout, float* w, float* bias, float* scale = null, WeightPackCache? cache = null)
    {
        var key = (nameof(DepthwiseChannelBlocked), layout.Lanes, layout.Blocks, layout.Taps);
        var source = new WeightPackSource(w, (long)layout.Channels * layout.Taps, scale, bias, layout.Channels);
        return WeightPackCache.Pack(cache, key, source, layout.Blocks * (layout.WeightLength + layout.Lanes), packed =>
        {
            float* biases = packed + layout.Blocks * layout.WeightLength;
            for (int block = 0; block < layout.Blocks; block++)
            {
                int c0 = block * layout.Lanes, count = layout.ChannelsIn(block);
                layout.PackWeights(w, c0, count, scale, packed + block * layout.WeightLength);
                for (int c = 0; c < layout.Lanes; c++) biases[block * layout.Lanes + c] = bias != null && c < count ? bias[c0 + c] : 0f;
            }
        });
    }

    /// <summary>row[ow, :] = b + Σ taps w[tap, :] ⊙ P[oh·sH + kh·dH, ow·sW + kw·dW, :], four outputs at a time so each weight vector is loaded once per four FMAs.</summary>
    private static void ForwardRow<TVector>(Conv2dGeometry g, ChannelBlockLayout layout, float* padded, float* weights, float* bias, int oh, float* row)
        where TVector : struct, IFloatVector<TVector>
    {
        int lanes = layout.Lanes, step = g.StrideW * lanes, wo = g.OutWidth;
        var b = TVector.Load(bias);
        int ow = 0;
        for (; ow + 4 <= wo; ow += 4)
        {
            TVector a0 = b, a1 = b, a2 = b, a3 = b;
            for (int kh = 0; kh < g.KernelHeight; kh++)
            {
                float* source = padded + ((long)(oh * g.StrideH + kh * g.DilationH) * layout.PaddedWidth + ow * g.StrideW) * lanes;
                float* tapWeights = weights + kh * g.KernelWidth * lanes;
                for (int kw = 0; kw < g.KernelWidth; kw++)
                {
                    var weight = TVector.Load(tapWeights + kw * lanes);
                    float* p = source + kw * g.DilationW * lanes;
                    a0 = TVector.MultiplyAdd(weight, TVector.Load(p), a0);
                    a1 = TVector.MultiplyAdd(weight, TVector.Load(p + step), a1);
                    a2 = TVector.MultiplyAdd(weight, TVector.Load(p + 2 * step), a2);
                    a3 = TVector.MultiplyAdd(weight, TVector.Load(p + 3 * step), a3);
                }
            }
            a0.Store(row + ow * lanes);
            a1.Store(row + (ow + 1) * lanes);
            a2.Store(row + (ow + 2) * lanes);
            a3.Store(row + (ow + 3) * lanes);
        }
        for (; ow < wo; ow++)
        {
            var a = b;
            for (int kh = 0; kh < g.KernelHeight; kh++)
            {
                float* source = padded + ((long)(oh * g.StrideH + kh * g.DilationH) * layout.PaddedWidth + ow * g.StrideW) * lanes;
                for (int kw = 0; kw < g.KernelWidth; kw++)
                    a = TVector.MultiplyAdd(TVector.Load(weights + (kh * g.KernelWidth + kw) * lanes), TVector.Load(source + kw * g.DilationW * lanes), a);
            }
            a.Store(row + ow * lanes);
        }
    }

    /// <summary>
    /// <see cref="ForwardRow{TVector}"/> for the 3×3 kernels of MobileNet and EfficientNet (column dilation 1): the nine
    /// weight vectors stay in registers for the whole row, and two neighbouring outputs are computed side by side.
    /// </summary>
    private static void ForwardRow3x3<TVector>(Conv2dGeometry g, ChannelBlockLayout layout, float* padded, float* weights, float* bias, int oh, float* row)
        where TVector : struct, IFloatVector<TVector>
    {
        int lanes = layout.Lanes, step = g.StrideW * lanes, wo = g.OutWidth;
        long rowPitch = (long)g.DilationH * layout.PaddedWidth * lanes;
        TVector w00 = TVector.Load(weights), w01 = TVector.Load(weights + lanes), w02 = TVector.Load(weights + 2 * lanes);
        TVector w10 = TVector.Load(weights + 3 * lanes), w11 = TVector.Load(weights + 4 * lanes), w12 = TVector.Load(weights + 5 * lanes);
        TVector w20 = TVector.Load(weights + 6 * lanes), w21 = TVector.Load(weights + 7 * lanes), w22 = TVector.Load(weights + 8 * lanes);
        var b = TVector.Load(bias);
        float* top = padded + (long)oh * g.StrideH * layout.PaddedWidth * lanes;
        int ow = 0;
        for (; ow + 2 <= wo; ow += 2)
        {
            float* p0 = top + ow * step, p1 = p0 + rowPitch, p2 = p1 + rowPitch;
            float* q0 = p0 + step, q1 = p1 + step, q2 = p2 + step;
            var a = TVector.MultiplyAdd(w00, TVector.Load(p0), b);
            var c = TVector.MultiplyAdd(w00, TVector.Load(q0), b);
            a = TVector.MultiplyAdd(w01, TVector.Load(p0 + lanes), a); c = TVector.MultiplyAdd(w01, TVector.Load(q0 + lanes), c);
            a = TVector.MultiplyAdd(w02, TVector.Load(p0 + 2 * lanes), a); c = TVector.MultiplyAdd(w02, TVector.Load(q0 + 2 * lanes), c);
            a = TVector.MultiplyAdd(w10, TVector.Load(p1), a); c = TVector.MultiplyAdd(w10, TVector.Load(q1), c);
            a = TVector.MultiplyAdd(w11, TVector.Load(p1 + lanes), a); c = TVector.MultiplyAdd(w11, TVector.Load(q1 + lanes), c);
            a = TVector.MultiplyAdd(w12, TVector.Load(p1 + 2 * lanes), a); c = TVector.MultiplyAdd(w12, TVector.Load(q1 + 2 * lanes), c);
            a = TVector.MultiplyAdd(w20, TVector.Load(p2), a); c = TVector.MultiplyAdd(w20, TVector.Load(q2), c);
            a = TVector.MultiplyAdd(w21, TVector.Load(p2 + lanes), a); c = TVector.MultiplyAdd(w21, TVector.Load(q2 + lanes), c);
            a = TVector.MultiplyAdd(w22, TVector.Load(p2 + 2 * lanes), a); c = TVector.MultiplyAdd(w22, TVector.Load(q2 + 2 * lanes), c);
            a.Store(row + ow * lanes);
            c.Store(row + (ow + 1) * lanes);
        }
        if (ow < wo)
        {
            float* p0 = top + ow * step, p1 = p0 + rowPitch, p2 = p1 + rowPitch;
            var a = TVector.MultiplyAdd(w00, TVector.Load(p0), b);
            a = TVector.MultiplyAdd(w01, TVector.Load(p0 + lanes), a);
            a = TVector.MultiplyAdd(w02, TVector.Load(p0 + 2 * lanes), a);
            a = TVector.MultiplyAdd(w10, TVector.Load(p1), a);
            a = TVector.MultiplyAdd(w11, TVector.Load(p1 + lanes), a);
            a = TVector.MultiplyAdd(w12, TVector.Load(p1 + 2 * lanes), a);
            a = TVector.MultiplyAdd(w20, TVector.Load(p2), a);
            a = TVector.MultiplyAdd(w21, TVector.Load(p2 + lanes), a);
            a = TVector.MultiplyAdd(w22, TVector.Load(p2 + 2 * lanes), a);
            a.Store(row + ow * lanes);
        }
    }

    /// <summary>dP[oh·sH + kh·dH, ow·sW + kw·dW, :] += w[tap, :] ⊙ dy[oh, ow, :] over every output and tap.</summary>
    private static void ScatterTaps<TVector>(Conv2dGeometry g, ChannelBlockLayout layout, float* grad, float* weights, float* padded)
        where TVector : struct, IFloatVector<TVector>
    {
        int lanes = layout.Lanes;
        for (int oh = 0; oh < g.OutHeight; oh++)
            for (int ow = 0; ow < g.OutWidth; ow++)
            {
                var dyValue = TVector.Load(grad + ((long)oh * g.OutWidth + ow) * lanes);
                for (int kh = 0; kh < g.KernelHeight; kh++)
                {
                    float* target = padded + ((long)(oh * g.StrideH + kh * g.DilationH) * layout.PaddedWidth + ow * g.StrideW) * lanes;
                    for (int kw = 0; kw < g.KernelWidth; kw++)
                    {
                        float* p = target + kw * g.DilationW * lanes;
                        TVector.MultiplyAdd(TVector.Load(weights + (kh * g.KernelWidth + kw) * lanes), dyValue, TVector.Load(p)).Store(p);
                    }
                }
            }
    }

    /// <summary>sums[tap, :] = Σ_{oh, ow} P[oh·sH + kh·dH, ow·sW + kw·dW, :] ⊙ dy[oh, ow, :] for one image (two accumulators per tap).</summary>
    private static void TapSums<TVector>(Conv2dGeometry g, ChannelBlockLayout layout, float* padded, float* grad, float* sums)
        where TVector : struct, IFloatVector<TVector>
    {
        int lanes = layout.Lanes, step = g.StrideW * lanes, wo = g.OutWidth;
        for (int kh = 0; kh < g.KernelHeight; kh++)
            for (int kw = 0; kw < g.KernelWidth; kw++)
            {
                TVector even = TVector.Broadcast(0f), odd = even;
                for (int oh = 0; oh < g.OutHeight; oh++)
                {
                    float* p = padded + ((long)(oh * g.StrideH + kh * g.DilationH) * layout.PaddedWidth + kw * g.DilationW) * lanes;
                    float* d = grad + (long)oh * wo * lanes;
                    int ow = 0;
                    for (; ow + 2 <= wo; ow += 2)
                    {
                        even = TVector.MultiplyAdd(TVector.Load(p + ow * step), TVector.Load(d + ow * lanes), even);
                        odd = TVector.MultiplyAdd(TVector.Load(p + (ow + 1) * step), TVector.Load(d + (ow + 1) * lanes), odd);
                    }
                    if (ow < wo) even = TVector.MultiplyAdd(TVector.Load(p + ow * step), TVector.Load(d + ow * lanes), even);
                }
                TVector.Add(even, odd).Store(sums + (kh * g.KernelWidth + kw) * lanes);
            }
    }
}
