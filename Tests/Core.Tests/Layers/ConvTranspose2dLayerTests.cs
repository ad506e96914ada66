using MLNet.Cnn.Kernels;
using MLNet.Cnn.Layers;
using MLNet.Cnn.Tensors;
using MLNet.Cnn.Tests.Support;

namespace MLNet.Cnn.Tests.Layers;

[TestClass]
public sealed class ConvTranspose2dLayerTests
{
    [TestMethod]
    public void ConvTranspose2d()
    {
        LayerHarness.Check(new ConvTranspose2dLayer("up", 3, 4, 2, stride: 2), new(2, 3, 3, 4), 3 * 4 * 4 + 4);
        LayerHarness.Check(new ConvTranspose2dLayer("up", 4, 6, 3, stride: 2, padding: 1, outputPadding: 1, groups: 2, bias: false),
            new(2, 4, 3, 3), 4 * 3 * 9);
        LayerHarness.Check(new ConvTranspose2dLayer("up", 2, 3, 3, dilation: 2), new(1, 2, 4, 3), 2 * 3 * 9 + 3);
    }

    [TestMethod]
    public void WeightIsCinByCoutOverGroupsAndTheOutputDoublesWithStride2()
    {
        var up = new ConvTranspose2dLayer("up", 8, 6, 3, stride: 2, padding: 1, outputPadding: 1, groups: 2);
        Assert.AreEqual(new TensorShape(8, 3, 3, 3), up.Weight.Value.Shape);
        Assert.AreEqual(new TensorShape(5, 6, 14, 20), up.OutputShape(new(5, 8, 7, 10)));
    }

    [TestMethod]
    public void BackwardUsesTheGeometryOfItsForwardPassEvenAfterAnOutputShapeQuery()
    {
        foreach (var layer in new Layer[]
                 { new ConvTranspose2dLayer("up", 2, 3, 2, stride: 2), new Conv2dLayer("conv", 2, 3, 3), new MaxPool2dLayer("pool", 2) })
        {
            var x = TestData.Tensor(1, 2, 2, 6, 6);
            var y = layer.Forward(x, training: true);
            layer.OutputShape(new(1, 2, 10, 10));
            Assert.AreEqual(x.Shape, layer.Backward(new Tensor(y.Shape)).Shape, layer.ToString());
        }
    }

    [TestMethod]
    public void WrongArgumentsAndInputs()
    {
        ArgumentAssert.Throws(() => new ConvTranspose2dLayer("u", 0, 4, 2), "inChannels", "0");
        ArgumentAssert.Throws(() => new ConvTranspose2dLayer("u", 4, 4, 2, padding: -1), "padding", "-1");
        ArgumentAssert.Throws(() => new ConvTranspose2dLayer("u", 4, 4, 2, stride: 2, outputPadding: 2), "outputPadding", "2");
        ArgumentAssert.Throws(() => new ConvTranspose2dLayer("u", 4, 6, 2, groups: 4), "groups", "4", "6");
        ArgumentAssert.Throws(() => new ConvTranspose2dLayer("up1", 4, 2, 2).OutputShape(new(1, 3, 5, 5)), "input", "up1", "[1, 3, 5, 5]", "[N, 4, H, W]");
        ArgumentAssert.Throws(() => new ConvTranspose2dLayer("up2", 4, 2, 1, padding: 2).OutputShape(new(1, 4, 2, 2)), "input", "up2", "[1, 4, 2, 2]");
        ArgumentAssert.Throws(() => new ConvTranspose2dLayer("u", 4, 4, (2, 2), (2, 2), 1, outputSize: (8, 8)), "padding", "outputSize");
        ArgumentAssert.Throws(() => new ConvTranspose2dLayer("u", 4, 4, (2, 2), (3, 2), outputPadding: (1, 2)), "outputPadding", "2");
        // An output size more than a stride beyond the kernel's reach needs an output padding of a stride or more.
        ArgumentAssert.Throws(() => new ConvTranspose2dLayer("up3", 4, 4, (2, 2), (2, 2), outputSize: (9, 6)).OutputShape(new(1, 4, 3, 3)), "input", "up3");
    }

    [TestMethod]
    public void RectangularAsymmetricAndDerivedPaddingTrain()
    {
        LayerHarness.Check(new ConvTranspose2dLayer("up", 2, 4, (3, 2), (3, 2), ConvPadding.Explicit(new Padding2d(1, 0, 2, 1)), (2, 1), groups: 2),
            new(2, 2, 3, 4), 2 * 2 * 6 + 4);
        LayerHarness.Check(new ConvTranspose2dLayer("up", 2, 3, (3, 3), (3, 2), outputSize: (8, 9)), new(1, 2, 3, 4), 2 * 3 * 9 + 3);
        LayerHarness.Check(new ConvTranspose2dLayer("up", 2, 3, (4, 3), (2, 2), ConvPadding.Same, bias: false), new(1, 2, 3, 4), 2 * 3 * 12);
    }

    [TestMethod]
    public void PaddingDerivedFromTheOutputSizeFollowsOnnx()
    {
        // Height: (3 − 1)·3 + 3 = 9 reachable rows, 8 wanted: total 1, which goes to the top (ONNX's rule without SAME_UPPER).
        // Width: (4 − 1)·2 + 3 = 9 reachable, 10 wanted: one extra column of output padding.
        var up = new ConvTranspose2dLayer("up", 2, 3, (3, 3), (3, 2), outputSize: (8, 10));
        var g = up.GeometryFor(new(1, 2, 3, 4));
        Assert.AreEqual(new Padding2d(1, 0, 0, 0), g.AsConvolution.Padding);
        Assert.AreEqual((0, 1), (g.OutputPaddingH, g.OutputPaddingW));
        Assert.AreEqual(new TensorShape(1, 3, 8, 10), up.OutputShape(new(1, 2, 3, 4)));
        // "same": H·s × W·s, odd totals at the bottom/right (SAME_UPPER) or top/left (SAME_LOWER).
        foreach (var (padding, expected) in new[] { (ConvPadding.Same, new Padding2d(0, 0, 1, 1)), (ConvPadding.SameLower, new Padding2d(1, 1, 0, 0)) })
        {
            var same = new ConvTranspose2dLayer("same", 2, 2, (3, 3), (2, 2), padding);
            Assert.AreEqual(new TensorShape(1, 2, 6, 8), same.OutputShape(new(1, 2, 3, 4)));
            Assert.AreEqual(expected, same.GeometryFor(new(1, 2, 3, 4)).AsConvolution.Padding);
        }
    }
}
