using MLNet.Cnn.Kernels;
using MLNet.Cnn.Tensors;
using MLNet.Cnn.Tests.Support;

namespace MLNet.Cnn.Tests.Kernels;

/// <summary>
/// The channel-blocked activations between inference layers: the layout against a plain index loop, and every convolution
/// that writes channel blocks (direct and depthwise, from planes and from blocks, with a folded scale, an addend and an
/// activation) against the planes path, which <see cref="ConvolutionTests"/> checks against the reference.
/// </summary>
[TestClass]
public sealed class ChannelBlocksTests
{
    [TestMethod]
    public void PlanesGoToBlocksAtTheDocumentedPlacesAndBack()
    {
        foreach (var dims in new[] { new[] { 2, 21, 3, 5 }, [3, 8, 1, 1], [1, 40, 9, 11] })
        {
            var planes = TestData.Tensor(1, dims);
            int lanes = ChannelBlocks.CurrentLanes;
            if (lanes == 0) Assert.Inconclusive("No AVX2 or AVX-512: no channel blocks on this CPU.");
            var blocks = new ChannelBlocks(new Tensor(ChannelBlocks.ShapeFor(planes.Shape, lanes)), planes.Shape, lanes);
            ChannelBlocks.FromPlanes(planes, blocks);
            var (n, c, h, w) = (dims[0], dims[1], dims[2], dims[3]);
            for (int image = 0; image < n; image++)
                for (int channel = 0; channel < c; channel++)
                    for (int i = 0; i < h * w; i++)
                        Assert.AreEqual(planes.Span[(image * c + channel) * h * w + i],
                            blocks.Data.Span[channel / lanes * blocks.BlockStride + (image * h * w + i) * lanes + channel % lanes], $"[{image}, {channel}, {i}] of {planes.Shape}");
            Assert.AreEqual(13 * 64, blocks.BlockStride * sizeof(float) % 4096, "blocks start 13 cache lines apart modulo 4 KiB");
            Assert.IsTrue(blocks.BlockStride >= n * h * w * lanes, "a block holds its pixels");
            var back = new Tensor(planes.Shape);
            blocks.ToPlanes(back);
            CollectionAssert.AreEqual(planes.ToArray(), back.ToArray(), $"round trip of {planes.Shape}");
        }
    }

    /// <summary>The global average pool and the channel scaling of a squeeze-and-excitation gate on channel blocks, against the planes kernels.</summary>
    [TestMethod]
    public void MeansAndChannelScalesOnBlocksEqualThePlanesKernels()
    {
        int lanes = ChannelBlocks.CurrentLanes;
        if (lanes == 0) Assert.Inconclusive("No AVX2 or AVX-512: no channel blocks on this CPU.");
        var planes = TestData.Tensor(6, 3, 21, 5, 7);
        var blocks = Blocks(planes, lanes);
        foreach (int width in new[] { 16, 8 }.Where(l => l <= lanes))   // 21 channels: a part block at either width
        {
            var (expected, actual) = (new Tensor(3, 21, 1, 1), new Tensor(3, 21, 1, 1));
            GlobalAveragePool.Forward(planes, expected);
            Blocks(planes, width).MeanPerChannel(actual);
            Approx.AssertClose(expected.Span, actual.Span, 1e-6, $"channel means on blocks of {width} lanes");
        }

        var scale = TestData.Tensor(7, 3, 21, 1, 1);
        var scaledPlanes = new Tensor(planes.Shape);
        Mul.Forward(planes, scale, scaledPlanes);
        var scaled = new ChannelBlocks(new Tensor(blocks.Data.Shape), planes.Shape, lanes);
        blocks.ScaleChannels(scale, scaled);
        var back = new Tensor(planes.Shape);
        scaled.ToPlanes(back);
        CollectionAssert.AreEqual(scaledPlanes.ToArray(), back.ToArray(), "channels scaled on blocks");
    }

    /// <summary>Direct shapes (every tile width, part blocks, strides, dilation, 1×1), depthwise shapes, with and without an epilogue.</summary>
    [TestMethod]
    public void ConvolutionIntoBlocksEqualsThePlanesPath()
    {
        int lanes = ChannelBlocks.CurrentLanes;
        if (lanes == 0) Assert.Inconclusive("No AVX2 or AVX-512: no channel blocks on this CPU.");
        var shapes = ConvolutionTests.DirectCases()
            .Concat(ConvolutionTests.DepthwiseCases())
            .Concat([new Conv2dGeometry(3, 20, 5, 6, 36, 1, 1), new Conv2dGeometry(2, 17, 12, 11, 20, 1, 1), // 1×1: one run, several chunks
                new Conv2dGeometry(2, 24, 8, 8, 40, 1, 1, strideH: 2, strideW: 2),
                // strided 1×1 (pixels picked, then one run): odd sizes and unequal strides, several chunks, 2×2 outputs
                new Conv2dGeometry(3, 20, 10, 7, 36, 1, 1, strideH: 3, strideW: 2), new Conv2dGeometry(2, 17, 30, 29, 20, 1, 1, strideH: 2, strideW: 2),
                new Conv2dGeometry(4, 40, 4, 4, 48, 1, 1, strideH: 2, strideW: 2)])
            .Where(Conv2d.RunsOnBlocks);
        foreach (var g in shapes)
            foreach (bool fromBlocks in new[] { false, true })
                foreach (bool withEpilogue in new[] { false, true })
                {
                    var (x, w, b) = (TestData.Tensor(1, g.InputShape), TestData.Tensor(2, g.WeightShape), TestData.Tensor(3, g.BiasShape));
                    var epilogue = withEpilogue
                        ? new ConvEpilogue(TestData.Tensor(4, g.BiasShape), TestData.Tensor(5, g.OutputShape), new SiLU())
                        : default;
                    var expected = new Tensor(g.OutputShape);
                    Conv2d.Forward(g, x, w, b, expected, epilogue);

                    var input = fromBlocks ? Blocks(x, lanes).Data : x;
                    var blockedEpilogue = epilogue with { Addend = epilogue.Addend is { } r ? Blocks(r, lanes).Data : null };
                    var output = new ChannelBlocks(new Tensor(ChannelBlocks.ShapeFor(g.OutputShape, lanes)), g.OutputShape, lanes);
                    Conv2d.ForwardToBlocks(g, input, fromBlocks, w, b, output.Data, blockedEpilogue);
                    var actual = new Tensor(g.OutputShape);
                    output.ToPlanes(actual);
                    Approx.AssertClose(expected.Span, actual.Span, 1e-5,
                        $"{g} into channel blocks from {(fromBlocks ? "blocks" : "planes")}{(withEpilogue ? ", with scale, addend and SiLU" : "")}");
                }
    }

    private static ChannelBlocks Blocks(Tensor planes, int lanes)
    {
        var blocks = new ChannelBlocks(new Tensor(ChannelBlocks.ShapeFor(planes.Shape, lanes)), planes.Shape, lanes);
        ChannelBlocks.FromPlanes(planes, blocks);
        return blocks;
    }
}
