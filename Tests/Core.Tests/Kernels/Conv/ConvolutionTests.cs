using MLNet.Cnn.Kernels;
using MLNet.Cnn.Tensors;
using MLNet.Cnn.Tests.Support;

namespace MLNet.Cnn.Tests.Kernels;

/// <summary>Conv2d (implicit GEMM, batch-folded GEMM, 1×1 and depthwise paths) against <see cref="Conv2dReference"/>, and the reference against finite differences.</summary>
[TestClass]
public sealed class ConvolutionTests
{
    /// <summary>Geometries covering batch 1 and > 1, odd sizes, stride, dilation, groups, depthwise, 1×1 and asymmetric padding.</summary>
    public static IEnumerable<Conv2dGeometry> Cases() =>
    [
        new(1, 1, 5, 5, 1, 3, 3),
        new(2, 3, 7, 9, 5, 3, 3, padding: Padding2d.Symmetric(1)),
        new(3, 4, 11, 10, 6, 3, 2, strideH: 2, strideW: 3, padding: new Padding2d(2, 0, 1, 1)),
        new(2, 6, 9, 8, 4, 3, 3, dilationH: 2, dilationW: 3, padding: new Padding2d(1, 3, 2, 0)),
        new(2, 6, 8, 7, 9, 3, 3, padding: Padding2d.Symmetric(1), groups: 3),
        new(2, 8, 9, 9, 8, 3, 3, padding: Padding2d.Symmetric(1), groups: 8),                  // depthwise
        new(3, 5, 19, 21, 10, 3, 3, padding: Padding2d.Symmetric(1), groups: 5),               // depthwise ×2, vector rows
        new(2, 4, 17, 18, 4, 5, 3, strideH: 2, strideW: 2, padding: new Padding2d(2, 1, 1, 2), groups: 4), // strided depthwise
        new(2, 4, 20, 23, 4, 3, 3, dilationH: 2, dilationW: 2, padding: Padding2d.Symmetric(2), groups: 4),
        new(3, 7, 6, 5, 11, 1, 1),                                                             // 1×1 on several images
        new(1, 7, 6, 5, 11, 1, 1),                                                             // 1×1 straight into y
        new(1, 16, 33, 35, 24, 3, 3, padding: Padding2d.Symmetric(1)),                         // batch 1: parallel GEMM
        new(9, 3, 4, 5, 2, 2, 2, strideH: 2, strideW: 1),                                      // many small images per chunk
        new(2, 4, 12, 12, 6, 1, 1, strideH: 2, strideW: 2),                                    // strided 1×1
        new(2, 16, 7, 6, 8, 3, 3, padding: new Padding2d(0, 2, 1, 1), groups: 2),              // turned kernel, grouped, asymmetric
        new(2, 8, 9, 8, 4, 3, 3, dilationH: 2, dilationW: 2, padding: new Padding2d(1, 3, 2, 0)), // turned kernel, dilated
        new(3, 9, 10, 11, 12, 3, 3, strideH: 2, strideW: 2, padding: Padding2d.Symmetric(1)),   // strided: col2im input gradient
        new(2, 3, 23, 21, 16, 7, 7, strideH: 2, strideW: 2, padding: Padding2d.Symmetric(3)),  // stem-like, stride phases
        new(2, 5, 8, 4, 9, 1, 1),                                                              // 1×1, 32 outputs: the GEMM writes y
        new(2, 6, 4, 8, 4, 1, 1, groups: 2),                                                   // the same, grouped
        new(2, 4, 10, 16, 6, 3, 1, padding: new Padding2d(1, 0, 1, 0)),                        // 3×1: no discarded columns either
        new(2, 5, 18, 35, 7, 1, 1, strideH: 2, strideW: 2),                                    // strided 1×1: one phase filled, rows split by vectors
        new(2, 3, 9, 33, 5, 3, 3, strideH: 2, strideW: 2, padding: new Padding2d(2, 1, 0, 2)),  // odd left padding: the phases swap
    ];

    /// <summary>Late-stage shapes for the batch-folded path: small maps, batches that split into chunks, groups, 1×1.</summary>
    public static IEnumerable<Conv2dGeometry> SmallMapCases() =>
    [
        new(5, 16, 2, 2, 12, 3, 3, padding: Padding2d.Symmetric(1)),                           // ResNet's last stage: 2×2, chunks 2 + 2 + 1
        new(4, 12, 4, 4, 8, 3, 3, padding: Padding2d.Symmetric(1), groups: 2),                 // grouped
        new(3, 8, 7, 7, 16, 1, 1),                                                             // 1×1 on 7×7: planes side by side
        new(3, 10, 7, 7, 6, 1, 1, strideH: 2, strideW: 2),                                     // strided 1×1 (downsampling shortcut)
        new(3, 6, 5, 6, 4, 3, 3, strideH: 2, strideW: 1, padding: new Padding2d(2, 0, 1, 1), dilationH: 1, dilationW: 2, groups: 2),
        new(6, 4, 3, 5, 6, 2, 3, padding: new Padding2d(1, 0, 0, 2)),                          // odd kernel, asymmetric padding
        new(1, 8, 3, 3, 8, 3, 3, padding: Padding2d.Symmetric(1)),                             // batch 1: one chunk, read in place
        new(4, 3, 24, 23, 5, 3, 3, padding: Padding2d.Symmetric(1)),                           // chunks of 1,104 columns: one per thread
    ];

    /// <summary>
    /// Depthwise shapes of MobileNet and EfficientNet for the channel-blocked kernel: channel counts that are not a multiple
    /// of a vector (a full block and a part one at 16 and at 8 lanes), stride 2, 5×5, 2×2 maps, dilation, padding larger
    /// than half the kernel and rows the taps never reach.
    /// </summary>
    public static IEnumerable<Conv2dGeometry> DepthwiseCases() =>
    [
        new(2, 21, 9, 10, 21, 3, 3, padding: Padding2d.Symmetric(1), groups: 21),
        new(3, 20, 7, 8, 20, 3, 3, strideH: 2, strideW: 2, padding: new Padding2d(0, 1, 1, 0), groups: 20),
        new(2, 17, 6, 6, 17, 5, 5, padding: Padding2d.Symmetric(2), groups: 17),
        new(4, 16, 2, 2, 16, 3, 3, padding: Padding2d.Symmetric(1), groups: 16),
        new(1, 18, 11, 9, 18, 3, 3, dilationH: 2, dilationW: 2, padding: Padding2d.Symmetric(2), groups: 18),
        new(2, 5, 4, 5, 5, 3, 3, padding: new Padding2d(0, 2, 1, 3), groups: 5),
        new(2, 9, 8, 9, 9, 3, 3, strideH: 3, strideW: 2, groups: 9),
        new(2, 19, 31, 22, 19, 3, 3, padding: Padding2d.Symmetric(1), groups: 19),   // output finished in several bands of rows, the last one partial
    ];

    /// <summary>
    /// Shapes for the direct channel-blocked kernel: every tile width from 1 to 13 outputs (one tile per row up to the register
    /// budget, then two), input and output channel counts with a part block (21 = 16 + 5, 37 = 2·16 + 5: a pair of output
    /// blocks and a single one; at 8 lanes 21 = 2·8 + 5), strides 2 and 3 with odd left padding (the column phases swap),
    /// dilation, a 5×3 kernel, batch 1 (the rows of one image over the threads), fewer than 8 input channels, and enough
    /// weights per group that the input blocks are summed in several slices (<see cref="DirectConvLayout.InputSlices"/>).
    /// </summary>
    public static IEnumerable<Conv2dGeometry> DirectCases() =>
    [
        .. Enumerable.Range(1, 13).Select(width => new Conv2dGeometry(2, 9, 3, width, 18, 3, 3, padding: Padding2d.Symmetric(1))),
        new(2, 21, 9, 30, 37, 3, 3, padding: Padding2d.Symmetric(1)),
        new(1, 19, 13, 27, 33, 5, 3, strideH: 2, strideW: 3, padding: new Padding2d(2, 1, 1, 2), dilationH: 1, dilationW: 2),
        new(3, 8, 6, 25, 17, 3, 3, strideH: 1, strideW: 2, padding: new Padding2d(1, 1, 0, 2)),
        new(1, 32, 12, 14, 48, 3, 3, padding: Padding2d.Symmetric(1)),
        new(2, 3, 23, 21, 40, 7, 7, strideH: 2, strideW: 2, padding: Padding2d.Symmetric(3)),
        new(2, 24, 5, 6, 24, 1, 1),
        new(1, 300, 4, 7, 20, 5, 5, padding: Padding2d.Symmetric(2)),   // 5×5 over 300 channels: summed in slices of the input blocks
    ];

    /// <summary>The direct kernel on its own shapes, and every general case through it, forward against the reference.</summary>
    [TestMethod]
    public void DirectPathMatchesReference()
    {
        foreach (var g in DirectCases().Concat(Cases()))
            using (ConvPath.Pin(g, fold: false, direct: true, imagesPerChunk: 0))
                (ConvolutionKernel.Of(g) with { Name = "Conv2d (direct)" }).ForwardMatchesReference(seed: 6);
    }

    /// <summary>Every one-filter-per-channel case through the channel-blocked kernel and through the per-plane one.</summary>
    [TestMethod]
    public void BothDepthwiseKernelsMatchReference()
    {
        bool saved = DepthwiseConv2d.ChannelBlocks;
        try
        {
            foreach (var g in Cases().Where(c => c.IsDepthwise && c.OutChannels == c.InChannels).Concat(DepthwiseCases()))
                foreach (bool blocks in new[] { true, false })
                {
                    DepthwiseConv2d.ChannelBlocks = blocks;
                    var kernel = ConvolutionKernel.Of(g) with { Name = blocks ? "depthwise, channel-blocked" : "depthwise, per plane" };
                    kernel.ForwardMatchesReference(seed: 2);
                    kernel.BackwardMatchesReference(seed: 5);
                }
        }
        finally { DepthwiseConv2d.ChannelBlocks = saved; }
    }

    /// <summary>Forward with an activation applied by the kernel equals forward, then the activation as its own pass, on every path.</summary>
    [TestMethod]
    public void ActivationEpilogueMatchesASeparatePass()
    {
        bool savedBlocks = DepthwiseConv2d.ChannelBlocks;
        try
        {
            foreach (var g in Cases().Concat(SmallMapCases()).Concat(DepthwiseCases()))
                foreach (var (name, fold, direct, imagesPerChunk) in ConvPath.All)
                    foreach (bool blocks in new[] { true, false })
                        using (ConvPath.Pin(g, fold, direct, imagesPerChunk))
                        {
                            DepthwiseConv2d.ChannelBlocks = blocks;
                            var (x, w, b) = (TestData.Tensor(3, g.InputShape), TestData.Tensor(4, g.WeightShape), TestData.Tensor(5, g.BiasShape));
                            var (y, separate, fused) = (new Tensor(g.OutputShape), new Tensor(g.OutputShape), new Tensor(g.OutputShape));
                            Conv2d.Forward(g, x, w, b, y);
                            new SiLU().Forward(y, separate);
                            Conv2d.Forward(g, x, w, b, fused, new ConvEpilogue(Activation: new SiLU()));
                            Approx.AssertClose(separate.Span, fused.Span, 1e-6, $"SiLU epilogue ({name}, channel blocks {blocks}) at {g}");
                        }
        }
        finally { DepthwiseConv2d.ChannelBlocks = savedBlocks; }
    }

    [TestMethod]
    public void EveryPathMatchesReference()
    {
        foreach (var g in Cases().Concat(SmallMapCases()))
            foreach (var (name, fold, direct, imagesPerChunk) in ConvPath.All)
                using (ConvPath.Pin(g, fold, direct, imagesPerChunk))
                {
                    var kernel = ConvolutionKernel.Of(g) with { Name = $"Conv2d ({name})" };
                    kernel.ForwardMatchesReference(seed: 1);
                    kernel.BackwardMatchesReference(seed: 4);
                }
    }

    /// <summary>
    /// The batch-folded path gives the same bits on one thread and on many (all three passes), and its forward and
    /// input gradient the same bits however the batch is cut into chunks (the weight gradient's chunk sums depend
    /// on the cut, which depends on the shape alone).
    /// </summary>
    [TestMethod]
    public void BatchFoldedPathGivesTheSameBitsOnAnyThreadCount()
    {
        foreach (var g in SmallMapCases())
        {
            var (x, w, b, dy) = (TestData.Tensor(7, g.InputShape), TestData.Tensor(8, g.WeightShape), TestData.Tensor(9, g.BiasShape),
                TestData.Tensor(10, g.OutputShape));
            (float[] YAndDx, float[] Dw) Run(int threads, int imagesPerChunk)
            {
                int saved = CnnParallel.MaxDegreeOfParallelism;
                CnnParallel.MaxDegreeOfParallelism = threads;
                try
                {
                    using var path = ConvPath.Pin(g, fold: true, direct: false, imagesPerChunk);
                    var (y, dx, dw) = (new Tensor(g.OutputShape), new Tensor(g.InputShape), new Tensor(g.WeightShape));
                    Conv2d.Forward(g, x, w, b, y);
                    Conv2d.BackwardData(g, dy, w, dx);
                    Conv2d.BackwardWeights(g, x, dy, dw, null);
                    return ([.. y.Span, .. dx.Span], dw.ToArray());
                }
                finally { CnnParallel.MaxDegreeOfParallelism = saved; }
            }
            int many = Environment.ProcessorCount;
            var (yAndDx, dw) = Run(many, imagesPerChunk: 2);
            var (serialYAndDx, serialDw) = Run(1, imagesPerChunk: 2);
            Approx.AssertSameFloats(TestData.ToDouble(yAndDx), serialYAndDx, $"y and dx, one thread vs {many}, at {g}");
            Approx.AssertSameFloats(TestData.ToDouble(dw), serialDw, $"dw, one thread vs {many}, at {g}");
            Approx.AssertSameFloats(TestData.ToDouble(yAndDx), Run(many, imagesPerChunk: 0).YAndDx,
                $"y and dx, chunks of two images vs the whole batch, at {g}");
        }
    }

    [TestMethod]
    public void DispatchFoldsTheBatchWhenTheImageGemmHasFewColumnsForItsRows()
    {
        static Conv2dGeometry Conv3x3(int batch, int channels, int size, int outChannels = 0, int stride = 1, int groups = 1) =>
            new(batch, channels, size, size, outChannels == 0 ? channels : outChannels, 3, 3, stride, stride, Padding2d.Symmetric(1), groups: groups);
        var native = Gemm.DefaultKernel;
        try
        {
            // The same answers with every micro-kernel family: the tile width is not part of the rule.
            foreach (var family in Enum.GetValues<GemmKernel>().Where(k => k <= Gemm.NativeKernel))
            {
                Gemm.DefaultKernel = family;
                string with = $" with the {family} micro-kernel";
                // Folded: ResNet-18's last stage on 64×64 inputs (2×2·9 = 36 against 512 channels), its stride-2 entry, its
                // 4×4 stage (144 vs 256), the last stage on 128×128 inputs (576 vs 512), ResNet-50's last 3×3 (7×7·9 = 441
                // vs 512) and a 1×1 expansion on 7×7 (49 vs 1024).
                Assert.IsTrue(Conv2d.FoldsBatch(Conv3x3(32, 512, 2)), "ResNet-18 2×2" + with);
                Assert.IsTrue(Conv2d.FoldsBatch(Conv3x3(32, 256, 4, outChannels: 512, stride: 2)), "ResNet-18 stride 2, 4×4 → 2×2" + with);
                Assert.IsTrue(Conv2d.FoldsBatch(Conv3x3(32, 256, 4)), "ResNet-18 4×4" + with);
                Assert.IsTrue(Conv2d.FoldsBatch(Conv3x3(32, 512, 8)), "ResNet-18 8×8, 512 channels" + with);
                Assert.IsTrue(Conv2d.FoldsBatch(Conv3x3(8, 512, 7)), "ResNet-50 7×7 3×3" + with);
                Assert.IsTrue(Conv2d.FoldsBatch(new Conv2dGeometry(8, 256, 7, 7, 1024, 1, 1)), "1×1 on 7×7" + with);
                // Per image: one image, large maps, few channels for the map (a small network's 64 channels on 7×7,
                // 256 on 7×7 with 3×3), channels split into groups, and depthwise (its own direct kernel).
                Assert.IsFalse(Conv2d.FoldsBatch(Conv3x3(1, 512, 2)), "batch 1" + with);
                Assert.IsFalse(Conv2d.FoldsBatch(Conv3x3(32, 64, 56)), "56×56" + with);
                Assert.IsFalse(Conv2d.FoldsBatch(Conv3x3(64, 64, 7)), "64 channels on 7×7" + with);
                Assert.IsFalse(Conv2d.FoldsBatch(Conv3x3(32, 256, 7)), "256 channels on 7×7" + with);
                Assert.IsFalse(Conv2d.FoldsBatch(Conv3x3(32, 512, 2, groups: 32)), "16 output channels per group" + with);
                Assert.IsFalse(Conv2d.FoldsBatch(Conv3x3(32, 64, 2, groups: 64)), "depthwise" + with);
                // The threshold: Hout·Wout·kH·kW < FoldBatchRatio·Cout/G, here 2×2·9 = 36.
                int edge = (int)Math.Floor(36 / Conv2d.FoldBatchRatio);
                Assert.IsFalse(Conv2d.FoldsBatch(Conv3x3(2, 8, 2, outChannels: edge)), $"Cout = {edge}" + with);
                Assert.IsTrue(Conv2d.FoldsBatch(Conv3x3(2, 8, 2, outChannels: edge + 1)), $"Cout = {edge + 1}" + with);
            }
        }
        finally { Gemm.DefaultKernel = native; }
    }

    [TestMethod]
    public void ForwardMatchesReference()
    {
        foreach (var g in Cases()) ConvolutionKernel.Of(g).ForwardMatchesReference(seed: 1);
    }

    [TestMethod]
    public void BackwardMatchesReference()
    {
        foreach (var g in Cases()) ConvolutionKernel.Of(g).BackwardMatchesReference(seed: 4);
    }

    [TestMethod]
    public void SerialAndParallelRunsAgree()
    {
        var g = new Conv2dGeometry(5, 6, 10, 9, 8, 3, 3, padding: Padding2d.Symmetric(1));
        var (x, w, dy) = (TestData.Tensor(7, g.InputShape), TestData.Tensor(8, g.WeightShape), TestData.Tensor(9, g.OutputShape));
        float[] Run()
        {
            var (y, dx, dw) = (new Tensor(g.OutputShape), new Tensor(g.InputShape), new Tensor(g.WeightShape));
            Conv2d.Forward(g, x, w, null, y);
            Conv2d.BackwardData(g, dy, w, dx);
            Conv2d.BackwardWeights(g, x, dy, dw, null);
            return [.. y.Span, .. dx.Span, .. dw.Span];
        }
        float[] parallel = Run();
        int saved = CnnParallel.MaxDegreeOfParallelism;
        CnnParallel.MaxDegreeOfParallelism = 1;
        try { Approx.AssertClose(Run(), parallel, 1e-5, "one thread vs many"); }
        finally { CnnParallel.MaxDegreeOfParallelism = saved; }
    }

    [TestMethod]
    public void ReferenceBackwardMatchesFiniteDifferences()
    {
        foreach (var g in new Conv2dGeometry[]
        {
            new(2, 4, 5, 6, 4, 3, 2, strideH: 2, padding: new Padding2d(1, 0, 2, 1), dilationW: 2, groups: 2),
            new(1, 3, 6, 5, 6, 3, 3, padding: Padding2d.Symmetric(1), groups: 3),
        })
            ConvolutionKernel.Of(g).ReferenceBackwardMatchesFiniteDifferences(seed: 10);
    }

    [TestMethod]
    public void HandComputedCase()
    {
        // 3×3 input 1..9, 2×2 kernel [[1, 0], [0, −1]], bias 10: y[i, j] = x[i, j] − x[i+1, j+1] + 10 = 6.
        var g = new Conv2dGeometry(1, 1, 3, 3, 1, 2, 2);
        var x = Tensor.FromArray([1, 2, 3, 4, 5, 6, 7, 8, 9], 1, 1, 3, 3);
        var w = Tensor.FromArray([1, 0, 0, -1], 1, 1, 2, 2);
        var y = new Tensor(g.OutputShape);
        Conv2d.Forward(g, x, w, Tensor.FromArray([10f], 1), y);
        CollectionAssert.AreEqual(new float[] { 6, 6, 6, 6 }, y.ToArray());
    }

    [TestMethod]
    public void SameAndValidPaddingGiveTheKerasOutputSizes()
    {
        Assert.AreEqual(new Padding2d(1, 1, 1, 1), Padding2d.Same(28, 28, 3, 3));
        Assert.AreEqual(new Padding2d(1, 2, 2, 2), Padding2d.Same(28, 28, 4, 5));
        // SAME_LOWER: the odd row goes to the top instead.
        Assert.AreEqual(new Padding2d(2, 2, 1, 2), Padding2d.Same(28, 28, 4, 5, extraAtStart: true));
        var p = Padding2d.Same(7, 8, 3, 3, strideH: 2, strideW: 2);
        var g = new Conv2dGeometry(1, 1, 7, 8, 1, 3, 3, 2, 2, p);
        Assert.AreEqual((4, 4), (g.OutHeight, g.OutWidth));
        var valid = new Conv2dGeometry(1, 1, 7, 8, 1, 3, 3, padding: Padding2d.Valid, dilationW: 2);
        Assert.AreEqual((5, 4), (valid.OutHeight, valid.OutWidth));
    }

    [TestMethod]
    public void BadArgumentsNameTheParameterAndTheShapes()
    {
        ArgumentAssert.Throws(() => new Conv2dGeometry(1, 6, 8, 8, 4, 3, 3, groups: 4), "groups", "divisible");
        ArgumentAssert.Throws(() => new Conv2dGeometry(1, 1, 4, 4, 1, 7, 3), "kernelHeight", "larger than the padded input height");
        ArgumentAssert.Throws(() => new Conv2dGeometry(1, 1, 9, 4, 1, 3, 3, dilationW: 2, padding: new Padding2d(0, 0, 0, 0)), "kernelWidth", "(5)", "(4 = 4 + 0 + 0)");
        ArgumentAssert.Throws(() => new Conv2dGeometry(0, 1, 4, 4, 1, 3, 3), "batch", "positive");
        ArgumentAssert.Throws(() => Padding2d.Same(8, 8, 3, 3, strideH: 0), "strideH", "positive");
        ArgumentAssert.Throws(() => new Conv2dGeometry(1, 1, 4, 4, 1, 3, 3, strideW: -1), "strideW", "positive");
        ArgumentAssert.Throws(() => new Conv2dGeometry(1, 1, 4, 4, 1, 3, 3, padding: new Padding2d(0, -1, 0, 0)), "padding.Left", "negative");
        var g = new Conv2dGeometry(2, 3, 8, 8, 4, 3, 3);
        var w = new Tensor(g.WeightShape);
        ArgumentAssert.Throws(() => Conv2d.Forward(g, new Tensor(2, 3, 8, 9), w, null, new Tensor(g.OutputShape)), "input", "[2, 3, 8, 9]");
        ArgumentAssert.Throws(() => Conv2d.Forward(g, new Tensor(g.InputShape), new Tensor(4, 3, 5, 5), null, new Tensor(g.OutputShape)), "weight", "expected [4, 3, 3, 3]");
        ArgumentAssert.Throws(() => Conv2d.Forward(g, new Tensor(g.InputShape), w, new Tensor(5), new Tensor(g.OutputShape)), "bias", "[5]");
        ArgumentAssert.Throws(() => Conv2d.BackwardData(g, new Tensor(2, 4, 5, 5), w, new Tensor(g.InputShape)), "gradOutput", "[2, 4, 6, 6]");
    }
}
