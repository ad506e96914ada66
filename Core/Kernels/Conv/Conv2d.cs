using MLNet.Cnn.Tensors;

namespace MLNet.Cnn.Kernels;

/// <summary>
/// 2-D convolution (cross-correlation, PyTorch/ONNX semantics; <see cref="Conv2dReference"/> is the
/// specification). Which kernel runs:
///   depthwise (groups = Cin)               → <see cref="DepthwiseConv2d"/>, direct, all three passes;
///   forward of k×k layers (<see cref="RunsDirect"/>) → <see cref="DirectConv"/>, channels in the vector lanes;
///   small maps, many channels, batch > 1 (<see cref="FoldsBatch"/>) → <see cref="BatchFoldedConv"/>, all three
///                                            passes: one GEMM per group over a chunk of images side by side;
///   forward and weight gradient            → <see cref="ImplicitGemmConv"/>, per image, any stride, dilation, groups;
///   input gradient, stride 1, Cin/G ≥ 4     → the forward pass with the kernel turned by 180° (direct or implicit GEMM);
///   input gradient otherwise               → <see cref="BatchFoldedConv"/>: GEMM wᵀ·dy into columns, scattered back by col2im.
/// Shapes: x [N, Cin, H, W], w [Cout, Cin/G, kH, kW], b [Cout], y [N, Cout, Hout, Wout].
/// </summary>
internal static unsafe class Conv2d
{
    /// <summary>The turned-kernel input gradient needs this many input channels per group to fill a GEMM tile's rows.</summary>
    private const int MinChannelsForTurnedKernel = 4;

    /// <summary>
    /// The batch is folded into the GEMM (<see cref="BatchFoldedConv"/>) when one image's output positions times
    /// kernel taps, Hout·Wout·kH·kW, are fewer than this many times its output channels per group, Cout/G: when
    /// the per-image GEMM [Cout/G × Cg·kH·kW]·[Cg·kH·kW × Hout·Wout] has few columns for its rows. Per image,
    /// the implicit GEMM then computes mostly the padding of its NR-wide tiles (a 2×2 output is 4 of 32 computed
    /// columns on AVX-512, 7×7 is 49 of 64), handles all the weights (Cout/G rows) for those few columns, and its
    /// weight gradient re-reads dW per image; the folded path pays instead for writing and packing the im2col
    /// matrix, kH·kW floats per output position and input channel, whatever Cout/G is.
    /// Measured per pass on 2 busy cores (AVX-512 kernel, <c>Benchmarks -- convpaths</c>, docs/performance.md):
    /// folding is 4–12× faster on ResNet-18's last stage (2×2, 512 channels: 36 vs 512), 1.1–3.8× on 4×4 maps with
    /// 256 and 512 channels, 1.2–3.7× on ResNet-50's last 3×3 (7×7: 441 vs 512) and 1.5–3.4× on 1×1 layers of
    /// 4×4 and 7×7 maps; near the threshold (8×8 with 256 or 512 channels, 7×7 with 256, 1×1 on 14×14–28×28) the
    /// passes split both ways by up to ±40 %; 64 channels on 7×7 (441 vs 64) and 256 on 10×10–14×14 maps are
    /// slower folded, by up to 2.3×. The AVX2 kernel (NR = 16) put the crossover at about the same place, so the
    /// tile width is not part of the rule. Fixed by the shape, never by a timing at run time: the same inputs
    /// always take the same path and give the same bits.
    /// </summary>
    internal const double FoldBatchRatio = 1.5;

    /// <summary>Tests pin the choice (true: every non-depthwise shape folds the batch; false: none does) to run every case through both paths; null: the rule.</summary>
    internal static bool? FoldBatchOverride { get; set; }

    /// <summary>
    /// Whether <c>Forward</c>, <see cref="BackwardData"/> and <see cref="BackwardWeights"/> run <see cref="BatchFoldedConv"/>:
    /// not depthwise, batch > 1 and Hout·Wout·kH·kW &lt; <see cref="FoldBatchRatio"/>·Cout/G.
    /// </summary>
    internal static bool FoldsBatch(Conv2dGeometry g) => !g.IsDepthwise && (FoldBatchOverride ??
        (g.Batch > 1 && (double)g.OutHeight * g.OutWidth * g.KernelHeight * g.KernelWidth < FoldBatchRatio * g.OutChannelsPerGroup));

    /// <summary>Tests pin the forward choice (true: <see cref="DirectConv"/> wherever it applies; false: never); null: the rule.</summary>
    internal static bool? DirectOverride { get; set; }

    /// <summary>
    /// Whether <c>Forward</c> runs <see cref="DirectConv"/>: one group, a vector micro-kernel family (AVX-512 or AVX2), and
    /// a kernel larger than 1×1 over at least 8 input channels, more output channels than one vector holds and rows of at least
    /// 4 outputs. Measured against the GEMM paths on AMD Zen 5 at both vector widths (docs/performance.md): 3×3 layers on 4×4 to
    /// 56×56 maps with 32 to 512 channels ran 1.02–1.45× faster direct; 1×1 layers ran 0.6–0.8× (the GEMM reads x and writes y
    /// in place, the direct path turns both into channel blocks), as did 2-output rows (2×2 maps: a tile of 2 outputs
    /// is bound by its loads), one output block (16 channels at 512 bits) and 1–3 input channels (a stem: one block of lanes
    /// mostly empty). Fixed by the shape: the same inputs always take the same path and give the same bits.
    /// </summary>
    internal static bool RunsDirect(Conv2dGeometry g) => g.Groups == 1 && Gemm.DefaultKernel != GemmKernel.Portable && (DirectOverride ??
        (g.KernelHeight * g.KernelWidth > 1 && g.InChannels >= 8 && g.OutChannels > DirectLanes && g.OutWidth >= 4));

    /// <summary>Channels per vector of <see cref="DirectConv"/> at the current micro-kernel family.</summary>
    private static int DirectLanes => Gemm.DefaultKernel == GemmKernel.Avx512 ? 16 : 8;

    /// <summary>y = conv(x, w) + b. x [N, Cin, H, W], w [Cout, Cin/G, kH, kW], b [Cout] or null → y [N, Cout, Hout, Wout].</summary>
    public static void Forward(Conv2dGeometry g, Tensor input, Tensor weight, Tensor? bias, Tensor output) =>
        Forward(g, input, weight, bias, output, default);

    /// <summary>
    /// y = f(conv(x, s ⊙ w) + b + r) (<see cref="ConvEpilogue"/>): the weights of output channel m multiplied by s[m] as the
    /// kernel packs them, and the addend r and the activation f applied by the kernel to each piece of output it has just
    /// written (an image, a chunk of images or a row of a channel block), while it is still in cache — the inference fusion
    /// of a convolution with the batch norm, skip connection and activation after it (<see cref="Layers.FusedConvolution"/>).
    /// </summary>
    internal static void Forward(Conv2dGeometry g, Tensor input, Tensor weight, Tensor? bias, Tensor output, ConvEpilogue epilogue)
    {
        ArgumentNullException.ThrowIfNull(g);
        Require.Shape(input, g.InputShape, nameof(input));
        Require.Shape(weight, g.WeightShape, nameof(weight));
        if (bias is not null) Require.Shape(bias, g.BiasShape, nameof(bias));
        if (epilogue.WeightScale is { } scale) Require.Shape(scale, g.BiasShape, "weightScale");
        if (epilogue.Addend is { } addend) Require.Shape(addend, g.OutputShape, "addend");
        Require.Shape(output, g.OutputShape, nameof(output));
        if (g.IsDepthwise)
        {
            DepthwiseConv2d.Forward(g, input, weight, bias, output, epilogue);
            return;
        }

        float* b = bias is null ? null : bias.Pointer;
        if (RunsDirect(g))
            Direct(g, input.Pointer, false, weight.Pointer, b, output.Pointer, false, epilogue);
        else if (FoldsBatch(g))
            BatchFoldedConv.Forward(g, input.Pointer, weight.Pointer, b, output.Pointer, epilogue);
        else
            ImplicitGemmConv.Forward(g, input.Pointer, weight.Pointer, b, output.Pointer, epilogue);
    }

    /// <summary><see cref="DirectConv"/> at the vector width of the current micro-kernel family (that of <see cref="ChannelBlocks.CurrentLanes"/>).</summary>
    private static void Direct(Conv2dGeometry g, float* x, bool inputBlocked, float* w, float* b, float* y, bool outputBlocked, ConvEpilogue epilogue)
    {
        if (Gemm.DefaultKernel == GemmKernel.Avx512) DirectConv.Forward<Float512>(g, x, inputBlocked, w, b, y, outputBlocked, epilogue);
        else DirectConv.Forward<Float256>(g, x, inputBlocked, w, b, y, outputBlocked, epilogue);
    }

    /// <summary>
    /// Whether <see cref="ForwardToBlocks"/> runs <paramref name="g"/>: a vector micro-kernel family, and one group (the direct
    /// kernel, any kernel size) or one filter per channel (the channel-blocked depthwise kernel).
    /// </summary>
    internal static bool RunsOnBlocks(Conv2dGeometry g) =>
        ChannelBlocks.CurrentLanes > 0 && (g.Groups == 1 || (g.IsDepthwise && g.OutChannels == g.InChannels));

    /// <summary>
    /// The inference path between layers that keep the channels in the lanes: y = f(conv(x, s ⊙ w) + b + r) written as
    /// <see cref="ChannelBlocks"/> data [⌈Cout/L⌉, N, Hout, Wout, L], from x as planes [N, Cin, H, W] or as channel blocks
    /// (<paramref name="inputBlocked"/>); the addend r in y's layout. Requires <see cref="RunsOnBlocks"/>.
    /// </summary>
    internal static void ForwardToBlocks(Conv2dGeometry g, Tensor input, bool inputBlocked, Tensor weight, Tensor? bias, Tensor output,
        ConvEpilogue epilogue)
    {
        ArgumentNullException.ThrowIfNull(g);
        if (!RunsOnBlocks(g)) throw new InvalidOperationException($"No channel-blocked kernel for {g} (internal error).");
        int lanes = ChannelBlocks.CurrentLanes;
        Require.Shape(input, inputBlocked ? ChannelBlocks.ShapeFor(g.InputShape, lanes) : g.InputShape, nameof(input));
        Require.Shape(weight, g.WeightShape, nameof(weight));
        if (bias is not null) Require.Shape(bias, g.BiasShape, nameof(bias));
        if (epilogue.WeightScale is { } scale) Require.Shape(scale, g.BiasShape, "weightScale");
        var outputShape = ChannelBlocks.ShapeFor(g.OutputShape, lanes);
        if (epilogue.Addend is { } addend) Require.Shape(addend, outputShape, "addend");
        Require.Shape(output, outputShape, nameof(output));
        if (g.IsDepthwise)
        {
            DepthwiseConv2d.ForwardToBlocks(g, input, inputBlocked, weight, bias, output, epilogue);
            return;
        }
        float* b = bias is null ? null : bias.Pointer;
        Direct(g, input.Pointer, inputBlocked, weight.Pointer, b, output.Pointer, true, epilogue);
    }

    /// <summary>dx = convᵀ(dy, w). dy [N, Cout, Hout, Wout], w [Cout, Cin/G, kH, kW] → dx [N, Cin, H, W].</summary>
    public static void BackwardData(Conv2dGeometry g, Tensor gradOutput, Tensor weight, Tensor gradInput)
    {
        ArgumentNullException.ThrowIfNull(g);
        Require.Shape(gradOutput, g.OutputShape, nameof(gradOutput));
        Require.Shape(weight, g.WeightShape, nameof(weight));
        Require.Shape(gradInput, g.InputShape, nameof(gradInput));
        if (g.IsDepthwise)
        {
            DepthwiseConv2d.BackwardData(g, gradOutput, weight, gradInput);
            return;
        }

        // The turned-kernel forward pass: on the direct kernel wherever its rule takes the adjoint's shape (even where this
        // layer folds the batch: 3×3 on 4×4 maps ran faster direct), else per image on the implicit GEMM.
        if (g.InChannelsPerGroup >= MinChannelsForTurnedKernel && g.StrideOneAdjoint() is { } adjoint && (RunsDirect(adjoint) || !FoldsBatch(g)))
        {
            using var turned = ScratchPool.Rent(g.WeightShape.Length);
            TurnKernel(g, weight.Pointer, turned.Pointer);
            if (RunsDirect(adjoint)) Direct(adjoint, gradOutput.Pointer, false, turned.Pointer, null, gradInput.Pointer, false, default);
            else ImplicitGemmConv.Forward(adjoint, gradOutput.Pointer, turned.Pointer, null, gradInput.Pointer);
            return;
        }
        BatchFoldedConv.BackwardData(g, gradOutput.Pointer, weight.Pointer, gradInput.Pointer);
    }

    /// <summary>
    /// dw[co, ci, kh, kw] = Σ_{n, oh, ow} dy · x at the tap, db = Σ_{n, oh, ow} dy. x [N, Cin, H, W], dy [N, Cout, Hout, Wout]
    /// → dw [Cout, Cin/G, kH, kW], db [Cout] (optional). Both are overwritten, not accumulated.
    /// </summary>
    public static void BackwardWeights(Conv2dGeometry g, Tensor input, Tensor gradOutput, Tensor gradWeight, Tensor? gradBias)
    {
        ArgumentNullException.ThrowIfNull(g);
        Require.Shape(input, g.InputShape, nameof(input));
        Require.Shape(gradOutput, g.OutputShape, nameof(gradOutput));
        Require.Shape(gradWeight, g.WeightShape, nameof(gradWeight));
        if (gradBias is not null) Require.Shape(gradBias, g.BiasShape, nameof(gradBias));
        if (gradBias is not null) BiasGradient(gradOutput, gradBias);
        if (g.IsDepthwise)
        {
            DepthwiseConv2d.BackwardWeights(g, input, gradOutput, gradWeight);
            return;
        }

        if (FoldsBatch(g))
            BatchFoldedConv.BackwardWeights(g, input.Pointer, gradOutput.Pointer, gradWeight.Pointer);
        else
            ImplicitGemmConv.BackwardWeights(g, input.Pointer, gradOutput.Pointer, gradWeight.Pointer);
    }

    /// <summary>
    /// The weights of <see cref="Conv2dGeometry.StrideOneAdjoint"/>: w [Cout, Cin/G, kH, kW] →
    /// wᵀ [Cin, Cout/G, kH, kW] with wᵀ[g·Cg + ci, co, kh, kw] = w[g·Mg + co, ci, kH − 1 − kh, kW − 1 − kw].
    /// </summary>
    private static void TurnKernel(Conv2dGeometry g, float* w, float* turned)
    {
        int mg = g.OutChannelsPerGroup, cg = g.InChannelsPerGroup, taps = g.KernelHeight * g.KernelWidth;
        for (int group = 0; group < g.Groups; group++)
            for (int co = 0; co < mg; co++)
                for (int ci = 0; ci < cg; ci++)
                {
                    float* src = w + ((long)(group * mg + co) * cg + ci) * taps;
                    float* dst = turned + ((long)(group * cg + ci) * mg + co) * taps;
                    for (int t = 0; t < taps; t++) dst[t] = src[taps - 1 - t];
                }
    }

    /// <summary>y[n, c, :, :] += b[c]. y [N, C, H, W], b [C].</summary>
    internal static void AddBias(Conv2dGeometry g, Tensor bias, Tensor output)
    {
        int plane = output.Shape[2] * output.Shape[3], channels = output.Shape[1];
        nint y = (nint)output.Pointer, b = (nint)bias.Pointer;
        CnnParallel.For(output.Shape[0], n => AddBias((float*)b, channels, plane, (float*)y + (long)n * channels * plane));
    }

    /// <summary>y[c, :] += b[c] over <paramref name="channels"/> planes of <paramref name="plane"/> values (nothing when b is null).</summary>
    internal static void AddBias(float* bias, int channels, int plane, float* y)
    {
        if (bias == null) return;
        for (int c = 0; c < channels; c++) VectorMath.Add(bias[c], y + (long)c * plane, plane);
    }

    /// <summary>db[c] = Σ_{n, h, w} dy[n, c, h, w]. dy [N, C, H, W], db [C].</summary>
    internal static void BiasGradient(Tensor gradOutput, Tensor gradBias)
    {
        int batch = gradOutput.Shape[0], channels = gradOutput.Shape[1], plane = gradOutput.Shape[2] * gradOutput.Shape[3];
        nint dy = (nint)gradOutput.Pointer, db = (nint)gradBias.Pointer;
        CnnParallel.For(channels, c =>
        {
            double sum = 0;
            for (int n = 0; n < batch; n++)
                sum += VectorMath.Sum((float*)dy + ((long)n * channels + c) * plane, plane);
            ((float*)db)[c] = (float)sum;
        });
    }
}
