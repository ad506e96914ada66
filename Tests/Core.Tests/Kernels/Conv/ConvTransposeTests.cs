using MLNet.Cnn.Kernels;
using MLNet.Cnn.Tensors;
using MLNet.Cnn.Tests.Support;

namespace MLNet.Cnn.Tests.Kernels;

/// <summary>ConvTranspose2d (built on Conv2d's passes) against the scatter definition in <see cref="ConvTranspose2dReference"/>.</summary>
[TestClass]
public sealed class ConvTransposeTests
{
    private static ConvTranspose2dGeometry[] Cases() =>
    [
        new(1, 1, 3, 3, 1, 3, 3),
        new(2, 4, 5, 6, 3, 3, 3, strideH: 2, strideW: 2, padding: Padding2d.Symmetric(1), outputPaddingH: 1, outputPaddingW: 1),
        new(2, 6, 4, 5, 4, 4, 3, strideH: 3, strideW: 2, padding: new Padding2d(1, 0, 2, 1), outputPaddingH: 2, dilationW: 2, groups: 2),
        new(3, 4, 7, 6, 8, 3, 3, padding: Padding2d.Symmetric(1), groups: 4),                     // depthwise-like
        new(2, 5, 6, 7, 3, 2, 2, strideH: 2, strideW: 2),                                         // UNet up-sampling
        new(1, 3, 4, 4, 2, 1, 1),
    ];

    [TestMethod]
    public void ForwardAndBackwardMatchReference()
    {
        foreach (var g in Cases())
        {
            ConvolutionKernel.Of(g).ForwardMatchesReference(seed: 1);
            ConvolutionKernel.Of(g).BackwardMatchesReference(seed: 4);
        }
    }

    /// <summary>
    /// The cases above, a decoder's first up-sampling from a 2×2 map and a stride-1 3×3 on a 3×3 map (whose forward
    /// is otherwise the turned-kernel implicit GEMM), through each path of the convolution underneath.
    /// </summary>
    [TestMethod]
    public void EveryPathMatchesReference()
    {
        ConvTranspose2dGeometry[] smallMaps =
        [
            new(4, 16, 2, 2, 8, 2, 2, strideH: 2, strideW: 2),
            new(5, 12, 3, 3, 8, 3, 3, padding: Padding2d.Symmetric(1)),
        ];
        foreach (var g in Cases().Concat(smallMaps))
            foreach (var (name, fold, direct, imagesPerChunk) in ConvPath.All)
                using (ConvPath.Pin(g.AsConvolution, fold, direct, imagesPerChunk))
                {
                    var kernel = ConvolutionKernel.Of(g) with { Name = $"ConvTranspose2d ({name})" };
                    kernel.ForwardMatchesReference(seed: 1);
                    kernel.BackwardMatchesReference(seed: 4);
                }
    }

    [TestMethod]
    public void ReferenceBackwardMatchesFiniteDifferences() =>
        ConvolutionKernel.Of(new ConvTranspose2dGeometry(2, 4, 3, 4, 2, 3, 2, strideH: 2, padding: new Padding2d(1, 0, 0, 1), outputPaddingH: 1,
            groups: 2)).ReferenceBackwardMatchesFiniteDifferences(seed: 5);

    [TestMethod]
    public void OutputSizeFollowsPyTorch()
    {
        // torch.nn.ConvTranspose2d(1, 1, 3, stride=2, padding=1, output_padding=1) maps 5×5 to 10×10.
        var g = new ConvTranspose2dGeometry(1, 1, 5, 5, 1, 3, 3, 2, 2, Padding2d.Symmetric(1), 1, 1);
        Assert.AreEqual(new TensorShape(1, 1, 10, 10), g.OutputShape);
        Assert.AreEqual(new TensorShape(1, 1, 3, 3), g.WeightShape);
    }

    [TestMethod]
    public void BadArgumentsNameTheParameter()
    {
        ArgumentAssert.Throws(() => new ConvTranspose2dGeometry(1, 1, 5, 5, 1, 3, 3, outputPaddingH: 1), "outputPaddingH", "smaller than strideH");
        ArgumentAssert.Throws(() => new ConvTranspose2dGeometry(1, 3, 5, 5, 4, 3, 3, groups: 2), "groups", "divisible");
        ArgumentAssert.Throws(() => new ConvTranspose2dGeometry(1, 1, 1, 1, 1, 1, 1, padding: Padding2d.Symmetric(1)), "padding", "empty output");
        var g = new ConvTranspose2dGeometry(1, 2, 4, 4, 3, 3, 3);
        ArgumentAssert.Throws(() =>
            ConvTranspose2d.Forward(g, new Tensor(1, 3, 4, 4), new Tensor(g.WeightShape), null, new Tensor(g.OutputShape)), "input", "expected [1, 2, 4, 4]");
    }
}
