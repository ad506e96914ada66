using MLNet.Cnn.Kernels;
using MLNet.Cnn.Layers;
using MLNet.Cnn.Tensors;
using MLNet.Cnn.Tests.Support;

namespace MLNet.Cnn.Tests.Layers;

/// <summary>Local response normalization, channel shuffle, padding, upsampling and softmax layers.</summary>
[TestClass]
public sealed class ShapingLayerTests
{
    [TestMethod]
    public void Lrn() => LayerHarness.Check(new LrnLayer("lrn", 3, alpha: 0.5f, beta: 0.75f, k: 2f), new(2, 5, 3, 2), 0);

    [TestMethod]
    public void ChannelShuffle() => LayerHarness.Check(new ChannelShuffleLayer("shuffle", 3), new(2, 6, 2, 3), 0);

    [TestMethod]
    public void PadEveryMode()
    {
        var sides = new Padding2d(1, 2, 0, 1);
        LayerHarness.Check(new PadLayer("pad", sides, PadMode.Constant, 0.5f), new(2, 2, 3, 4), 0);
        LayerHarness.Check(new PadLayer("pad", sides, PadMode.Reflect), new(2, 2, 3, 4), 0);
        LayerHarness.Check(new PadLayer("pad", sides, PadMode.Replicate), new(2, 2, 3, 4), 0);
        Assert.AreEqual(new TensorShape(2, 2, 4, 7), new PadLayer("pad", sides).OutputShape(new(2, 2, 3, 4)));
    }

    [TestMethod]
    public void UpsampleByScaleAndToSize()
    {
        LayerHarness.Check(new UpsampleLayer("up", 2), new(2, 2, 3, 4), 0);
        LayerHarness.Check(new UpsampleLayer("up", 2, UpsampleMode.Bilinear), new(2, 2, 3, 4), 0);
        LayerHarness.Check(new UpsampleLayer("up", 5, 7, UpsampleMode.Bilinear, alignCorners: true), new(2, 2, 3, 4), 0);
        LayerHarness.Check(new UpsampleLayer("down", 2, 3), new(1, 2, 5, 7), 0);
        Assert.AreEqual(new TensorShape(2, 2, 6, 8), new UpsampleLayer("up", 2).OutputShape(new(2, 2, 3, 4)));
    }

    [TestMethod]
    public void ResizeEveryModeUpAndDown()
    {
        LayerHarness.Check(new ResizeLayer("nearest", [2f, 0.7f], new ResizeSampling(ResizeMode.Nearest, ResizeCoordinates.HalfPixel)), new(2, 2, 3, 5), 0);
        LayerHarness.Check(new ResizeLayer("linear", [2, 7], new ResizeSampling(ResizeMode.Linear, ResizeCoordinates.AlignCorners)), new(2, 2, 3, 4), 0);
        LayerHarness.Check(new ResizeLayer("cubic", [1.5f], new ResizeSampling(ResizeMode.Cubic, ResizeCoordinates.HalfPixel)), new(2, 3, 4), 0,
            noRoundTrips: "a 1-D resize: the round trips take images");
        Assert.AreEqual(new TensorShape(2, 2, 6, 3), new ResizeLayer("r", [2f, 0.7f], new ResizeSampling(ResizeMode.Linear, ResizeCoordinates.HalfPixel)).OutputShape(new(2, 2, 3, 5)));
        ArgumentAssert.Throws(() => new ResizeLayer("r", [0f], new ResizeSampling(ResizeMode.Linear, ResizeCoordinates.HalfPixel)), "scales", "0");
        ArgumentAssert.Throws(() => new ResizeLayer("r1", [2, 2], new ResizeSampling(ResizeMode.Linear, ResizeCoordinates.HalfPixel)).OutputShape(new(2, 8)),
            "input", "r1", "[N, C, d1, d2]");
    }

    [TestMethod]
    public void SoftmaxAndLogSoftmax()
    {
        LayerHarness.Check(new SoftmaxLayer("softmax"), new(3, 5), 0);
        LayerHarness.Check(new SoftmaxLayer("softmax"), new(2, 3, 2, 2), 0);
        LayerHarness.Check(new SoftmaxLayer("logsoftmax", axis: -1, log: true), new(3, 5), 0);
        LayerHarness.Check(new SoftmaxLayer("logsoftmax", axis: -1, log: true), new(2, 3, 4), 0,
            noRoundTrips: "a model takes images [C, H, W], and no layer turns one into [3, 4]");
        var p = new SoftmaxLayer("softmax").Forward(TestData.Tensor(1, 2, 4), training: false).ToArray();
        Assert.AreEqual(1.0, p[..4].Sum(), 1e-6);
    }

    [TestMethod]
    public void WrongArgumentsAndInputs()
    {
        ArgumentAssert.Throws(() => new LrnLayer("l", 0), "size", "0");
        ArgumentAssert.Throws(() => new LrnLayer("l", 5, k: 0f), "k", "0");
        ArgumentAssert.Throws(() => new ChannelShuffleLayer("s", 0), "groups", "0");
        ArgumentAssert.Throws(() => new PadLayer("p", new Padding2d(0, -1, 0, 0)), "padding.Left", "-1");
        ArgumentAssert.Throws(() => new PadLayer("p", Padding2d.Symmetric(1), PadMode.Reflect, 1f), "value", "Reflect");
        ArgumentAssert.Throws(() => new UpsampleLayer("u", 0), "scale", "0");
        ArgumentAssert.Throws(() => new UpsampleLayer("u", 2, alignCorners: true), "alignCorners", "Nearest");
        ArgumentAssert.Throws(() => new ChannelShuffleLayer("shuffle1", 4).OutputShape(new(1, 6, 2, 2)), "input", "shuffle1", "[1, 6, 2, 2]", "multiple of 4");
        ArgumentAssert.Throws(() => new PadLayer("pad1", Padding2d.Symmetric(3), PadMode.Reflect).OutputShape(new(1, 1, 3, 8)),
            "input", "pad1", "[1, 1, 3, 8]", "H > 3");
        ArgumentAssert.Throws(() => new UpsampleLayer("up1", 2).OutputShape(new(2, 8)), "input", "up1", "[2, 8]", "[N, C, H, W]");
        ArgumentAssert.Throws(() => new LrnLayer("lrn1", 5).OutputShape(new(2, 8)), "input", "lrn1", "[2, 8]", "[N, C, H, W]");
        ArgumentAssert.Throws(() => new SoftmaxLayer("sm1", axis: 2).OutputShape(new(2, 8)), "input", "sm1", "[2, 8]", "axis 2");
    }
}
