using MLNet.Cnn.Tensors;

namespace MLNet.Cnn.Kernels;

/// <summary>
/// Max pooling at inference into <see cref="ChannelBlocks"/>, from planes or from channel blocks: the values of
/// <see cref="MaxPool2d.ForwardValues"/>, bit for bit. Each image's block of L channels is gathered once into a channels-last
/// buffer whose border holds −∞ (from planes by 8×8 transposes, from channel blocks by row copies: <see cref="ChannelBlockLayout"/>
/// of the depthwise window geometry), then each output is the maximum of its window's kH·kW pixel vectors, taken in the planes
/// kernel's order (rows, then columns; the first NaN wins): L channels per instruction, no stride-phase split.
/// The stem of a ResNet pools planes here, so the network's first stage gets channel blocks.
/// </summary>
internal static unsafe class MaxPoolChannelBlocked
{
    /// <summary>
    /// The depthwise convolution geometry with the pool's windows, whose layout gathers the input; null when the pool has an
    /// output the convolution arithmetic does not give (ceil mode adding a last window), which the planes kernel then runs.
    /// </summary>
    public static Conv2dGeometry? Windows(Pool2dGeometry g)
    {
        var windows = new Conv2dGeometry(g.Batch, g.Channels, g.InHeight, g.InWidth, g.Channels, g.KernelHeight, g.KernelWidth,
            g.StrideH, g.StrideW, g.Padding, g.DilationH, g.DilationW, groups: g.Channels);
        return windows.OutputShape == g.OutputShape ? windows : null;
    }

    /// <summary>
    /// x [N, C, H, W] as planes, or as channel blocks (<paramref name="inputBlocked"/>) → y as channel blocks of [N, C, Hout, Wout].
    /// <paramref name="windows"/> is <see cref="Windows"/> of the pool.
    /// </summary>
    public static void Forward<TVector>(Conv2dGeometry windows, float* x, bool inputBlocked, float* y) where TVector : struct, IFloatVector<TVector>
    {
        var g = windows;
        var layout = new ChannelBlockLayout(g, TVector.Count);
        int inStride = ChannelBlocks.StrideFor(g.Batch * layout.InPlane * layout.Lanes), outStride = ChannelBlocks.StrideFor(g.Batch * layout.OutputLength);
        nint xs = (nint)x, ys = (nint)y;
        PlaneParallel.For(g.Batch * layout.Blocks, layout.InPlane * layout.Lanes + layout.OutputLength * layout.Taps, (first, end) =>
        {
            using var padded = ScratchPool.Rent(layout.PaddedLength);
            using var staging = ScratchPool.Rent(layout.StagingLength);
            padded.Span.Fill(float.NegativeInfinity);   // the border stays −∞: every block writes the same interior
            for (int item = first; item < end; item++)
            {
                var (n, block) = (item / layout.Blocks, item % layout.Blocks);
                int c0 = block * layout.Lanes;
                if (inputBlocked) layout.GatherBlock((float*)xs + (long)block * inStride + (long)n * layout.InPlane * layout.Lanes, padded.Pointer);
                else layout.Gather((float*)xs + ((long)n * g.InChannels + c0) * layout.InPlane, layout.ChannelsIn(block), padded.Pointer, staging.Pointer);
                float* outputs = (float*)ys + (long)block * outStride + (long)n * layout.OutputLength;
                for (int oh = 0; oh < g.OutHeight; oh++)
                    for (int ow = 0; ow < g.OutWidth; ow++)
                        Window<TVector>(g, layout, padded.Pointer, oh, ow).Store(outputs + ((long)oh * g.OutWidth + ow) * layout.Lanes);
            }
        });
    }

    /// <summary>The maximum of output (oh, ow)'s window, tap by tap in row-major order: a tap replaces the best so far when greater, or NaN where the best is not.</summary>
    private static TVector Window<TVector>(Conv2dGeometry g, ChannelBlockLayout layout, float* padded, int oh, int ow)
        where TVector : struct, IFloatVector<TVector>
    {
        var best = TVector.Broadcast(float.NegativeInfinity);
        for (int kh = 0; kh < g.KernelHeight; kh++)
        {
            float* row = padded + ((long)(oh * g.StrideH + kh * g.DilationH) * layout.PaddedWidth + ow * g.StrideW) * layout.Lanes;
            for (int kw = 0; kw < g.KernelWidth; kw++)
                best = TVector.MaxKeepingFirstNaN(TVector.Load(row + kw * g.DilationW * layout.Lanes), best);
        }
        return best;
    }
}
