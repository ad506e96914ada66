using MLNet.Cnn.Kernels;
using MLNet.Cnn.Layers;
using MLNet.Cnn.Tensors;
using MLNet.Cnn.Tests.Support;

namespace MLNet.Cnn.Tests.Layers;

[TestClass]
public sealed class LayerTests
{
    [TestMethod]
    public void Conv2dLayer() =>
        LayerHarness.Check(new Conv2dLayer("conv", 3, 4, 3, stride: 2, padding: ConvPadding.Same), new(2, 3, 7, 6), 4 * 3 * 9 + 4);

    [TestMethod]
    public void GroupedConvWithoutBias() =>
        LayerHarness.Check(new Conv2dLayer("conv", 4, 6, 3, padding: 1, groups: 2, bias: false), new(2, 4, 5, 5), 6 * 2 * 9);

    [TestMethod]
    public void DenseLayer() => LayerHarness.Check(new DenseLayer("fc", 7, 5), new(3, 7), 7 * 5 + 5);

    [TestMethod]
    public void BatchNorm2dLayer() => LayerHarness.Check(new BatchNorm2dLayer("bn", 3), new(4, 3, 3, 2), 6);

    [TestMethod]
    public void SequentialOfConvBatchNormDense() => LayerHarness.Check(
        new Sequential("net",
            new Conv2dLayer("conv", 2, 3, 3, padding: 1),
            new BatchNorm2dLayer("bn", 3),
            new Conv2dLayer("down", 3, 2, 2, stride: 2)),
        new(2, 2, 4, 4), 2 * 3 * 9 + 3 + 6 + 3 * 2 * 4 + 2);

    [TestMethod]
    public void ResidualWithIdentityAndWithProjection()
    {
        LayerHarness.Check(new Residual("block", new Conv2dLayer("conv", 3, 3, 3, padding: 1)), new(2, 3, 4, 4), 3 * 3 * 9 + 3);
        LayerHarness.Check(new Residual("down",
                new Conv2dLayer("conv", 3, 5, 3, stride: 2, padding: 1),
                new Conv2dLayer("project", 3, 5, 1, stride: 2)),
            new(2, 3, 5, 5), 5 * 3 * 9 + 5 + 5 * 3 + 5);
    }

    [TestMethod]
    public void BranchesConcatenateAndSumTheirInputGradients() =>
        LayerHarness.Check(new Branches("inception",
                new Identity(),
                new Conv2dLayer("a", 2, 3, 1),
                new Conv2dLayer("b", 2, 1, 3, padding: 1)),
            new(2, 2, 4, 3), 3 * 2 + 3 + 1 * 2 * 9 + 1);

    [TestMethod]
    public void GateScalesChannels() =>
        LayerHarness.Check(new Gate("se", new Sequential("squeeze",
                new Conv2dLayer("reduce", 4, 2, 4),  // 4×4 input → [N, 2, 1, 1]
                new Conv2dLayer("expand", 2, 4, 1))),
            new(2, 4, 4, 4), 2 * 4 * 16 + 2 + 4 * 2 + 4);

    [TestMethod]
    public void WrongInputsNameTheLayerAndTheShapes()
    {
        var conv = new Conv2dLayer("conv1", 3, 8, 3);
        var e = Assert.ThrowsExactly<ArgumentException>(() => conv.Forward(new Tensor(1, 1, 28, 28), training: false));
        StringAssert.Contains(e.Message, "conv1");
        StringAssert.Contains(e.Message, "[1, 1, 28, 28]");
        StringAssert.Contains(e.Message, "[N, 3, H, W]");
        var tooSmall = Assert.ThrowsExactly<ArgumentException>(() => conv.OutputShape(new(1, 3, 2, 2)));
        StringAssert.Contains(tooSmall.Message, "larger than the padded input");
        var fc = new DenseLayer("fc", 10, 2);
        ArgumentAssert.Throws(() => fc.OutputShape(new(4, 12)), "input", "fc", "[4, 12]", "[N, 10]");
        ArgumentAssert.Throws(() => new Residual("r", new Conv2dLayer("c", 3, 4, 1)).OutputShape(new(1, 3, 4, 4)), "input", "shortcut");
        // At inference (the body's last convolution adds the skip) the same error, before any kernel runs, on every call.
        var mismatched = new Residual("r", new Sequential("body", new Conv2dLayer("c", 3, 4, 1)));
        for (int call = 0; call < 2; call++)
            ArgumentAssert.Throws(() => mismatched.Forward(new Tensor(1, 3, 4, 4), training: false), "input", "body gives [1, 4, 4, 4]", "shortcut");
        var backwardFirst = Assert.ThrowsExactly<InvalidOperationException>(() => conv.Backward(new Tensor(1, 8, 2, 2)));
        StringAssert.Contains(backwardFirst.Message, "forward pass in training mode");
    }

    [TestMethod]
    public void AFirstConvolutionWhoseInputGradientIsNotNeededStillComputesItsWeightGradient()
    {
        var net = new Sequential("net", new Conv2dLayer("conv", 2, 3, 3, padding: 1), new DenseLayer("fc", 3, 2));
        Assert.IsTrue(net.InputGradientNeeded);
        var reference = new Conv2dLayer("conv", 2, 3, 3, padding: 1);
        var skipping = new Conv2dLayer("conv", 2, 3, 3, padding: 1) { InputGradientNeeded = false };
        MLNet.Cnn.Training.Initializer.Initialize(reference, 1);
        MLNet.Cnn.Training.Initializer.Initialize(skipping, 1);
        var x = TestData.Tensor(1, 2, 2, 5, 5);
        var g = TestData.Tensor(2, 2, 3, 5, 5);
        reference.Forward(x, training: true);
        skipping.Forward(x, training: true);
        reference.Backward(g);
        skipping.Backward(g);
        CollectionAssert.AreEqual(reference.Weight.Gradient.ToArray(), skipping.Weight.Gradient.ToArray());
        net.InputGradientNeeded = false;
        Assert.IsFalse(net.Children[0].InputGradientNeeded, "Sequential passes the setting to its first layer");
    }
}
