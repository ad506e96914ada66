using MLNet.Cnn.Kernels;
using MLNet.Cnn.Layers;
using MLNet.Cnn.Tensors;
using MLNet.Cnn.Tests.Support;

namespace MLNet.Cnn.Tests.Layers;

/// <summary>Pooling, flatten and dropout layers.</summary>
[TestClass]
public sealed class PoolingLayerTests
{
    /// <summary>Inputs in [−10, 10): a finite-difference step then rarely changes which cell wins a window.</summary>
    private static float Spread(float v) => 10 * v;

    [TestMethod]
    public void MaxPool2d()
    {
        LayerHarness.Check(new MaxPool2dLayer("pool", 2), new(2, 3, 6, 5), 0, inputMap: Spread);
        LayerHarness.Check(new MaxPool2dLayer("pool", 3, stride: 2, padding: 1, ceilMode: true), new(2, 2, 7, 6), 0, inputMap: Spread);
        LayerHarness.Check(new MaxPool2dLayer("pool", 2, stride: 1, dilation: 2), new(1, 2, 5, 5), 0, inputMap: Spread);
        LayerHarness.Check(new MaxPool2dLayer("pool", 3, stride: 2, padding: ConvPadding.Same), new(1, 2, 6, 7), 0, inputMap: Spread);
        LayerHarness.Check(new MaxPool2dLayer("pool", (3, 2), (2, 1), ConvPadding.Explicit(new Padding2d(1, 0, 0, 1))), new(2, 2, 7, 5), 0,
            inputMap: Spread);
        Assert.AreEqual(new TensorShape(1, 1, 3, 5), new MaxPool2dLayer("pool", (3, 2), (2, 1)).OutputShape(new(1, 1, 7, 6)));
    }

    [TestMethod]
    public void AvgPool2d()
    {
        LayerHarness.Check(new AvgPool2dLayer("pool", 2), new(2, 3, 4, 5), 0);
        LayerHarness.Check(new AvgPool2dLayer("pool", 3, stride: 2, padding: 1, ceilMode: true, countIncludePad: false),
            new(2, 2, 7, 6), 0);
        LayerHarness.Check(new AvgPool2dLayer("pool", (1, 3), (1, 2), ceilMode: true, countIncludePad: false), new(2, 2, 3, 8), 0);
    }

    [TestMethod]
    public void GlobalPools()
    {
        LayerHarness.Check(new GlobalAvgPoolLayer("gap"), new(2, 3, 4, 5), 0);
        LayerHarness.Check(new GlobalMaxPoolLayer("gmp"), new(2, 3, 4, 5), 0, inputMap: Spread);
        Assert.AreEqual(new TensorShape(2, 3, 1, 1), new GlobalMaxPoolLayer("gmp").OutputShape(new(2, 3, 4, 5)));
    }

    [TestMethod]
    public void FlattenThenDense() => LayerHarness.Check(
        new Sequential("head", new FlattenLayer("flatten"), new DenseLayer("fc", 3 * 2 * 2, 4)), new(2, 3, 2, 2), 12 * 4 + 4);

    [TestMethod]
    public void FlattenReturnsTheSameViewWhileTheInputIsTheSame()
    {
        var flatten = new FlattenLayer("flatten");
        var x = TestData.Tensor(1, 2, 3, 4, 5);
        var y = flatten.Forward(x, training: true);
        Assert.AreEqual(new TensorShape(2, 60), y.Shape);
        Assert.AreSame(y, flatten.Forward(x, training: true));
        var g = new Tensor(2, 60);
        var dx = flatten.Backward(g);
        Assert.AreEqual(x.Shape, dx.Shape);
        Assert.AreSame(dx, flatten.Backward(g));
    }

    [TestMethod]
    public void DropoutIsDeterministicUnderASeedAndFreshEachForward()
    {
        var x = TestData.Tensor(1, 4, 50);
        float[] Masks(int seed)
        {
            var dropout = new DropoutLayer("drop", 0.3f, seed);
            return [.. dropout.Forward(x, training: true).ToArray(), .. dropout.Forward(x, training: true).ToArray()];
        }
        var a = Masks(5);
        CollectionAssert.AreEqual(a, Masks(5));
        CollectionAssert.AreNotEqual(a, Masks(6));
        CollectionAssert.AreNotEqual(a[..200], a[200..], "each training forward draws a fresh mask");
        int dropped = a.Count(v => v == 0f);
        Assert.IsTrue(dropped is > 80 and < 160, $"{dropped} of 400 dropped at p = 0.3");
        foreach (var (y, v) in a[..200].Zip(x.ToArray()))
            Assert.IsTrue(y == 0f || Math.Abs(y - v / 0.7f) < 1e-6f, $"{y} is neither 0 nor {v}/0.7");
    }

    [TestMethod]
    public void DropoutDrawsFromItsSeedAndItsCountOfTrainingPasses()
    {
        var x = TestData.Tensor(1, 4, 50);
        var dropout = new DropoutLayer("drop", 0.3f, seed: 5);
        var first = dropout.Forward(x, training: true).ToArray();
        dropout.Forward(x, training: false);
        Assert.AreEqual(1, dropout.Draws, "only training passes draw");
        var second = dropout.Forward(x, training: true).ToArray();
        Assert.AreEqual(2, dropout.Draws);

        dropout.Draws = 1;   // as a run resumed from a checkpoint sets it
        CollectionAssert.AreEqual(second, dropout.Forward(x, training: true).ToArray(), "the second pass's mask again");
        CollectionAssert.AreEqual(first, new DropoutLayer("drop", 0.3f, seed: 5).Forward(x, training: true).ToArray(), "a new layer starts at the first");
    }

    [TestMethod]
    public void DropoutIsTheIdentityAtInference()
    {
        var dropout = new DropoutLayer("drop", 0.5f, 1);
        var x = TestData.Tensor(2, 3, 4);
        Assert.AreSame(x, dropout.Forward(x, training: false));
        Assert.ThrowsExactly<InvalidOperationException>(() => dropout.Backward(new Tensor(3, 4)));
    }

    [TestMethod]
    public void DropoutBackwardIsTheMaskTimesTheGradient()
    {
        var dropout = new DropoutLayer("drop", 0.4f, 3);
        var x = new Tensor(3, 7);
        x.Span.Fill(1f);
        var mask = dropout.Forward(x, training: true).ToArray(); // y = 1 ⊙ mask
        var g = TestData.Tensor(4, 3, 7);
        var dx = dropout.Backward(g).ToArray();
        for (int i = 0; i < dx.Length; i++) Assert.AreEqual(mask[i] * g.Span[i], dx[i], 1e-6f);
    }

    [TestMethod]
    public void WrongArgumentsAndInputs()
    {
        ArgumentAssert.Throws(() => new MaxPool2dLayer("p", 0), "kernelSize", "0");
        ArgumentAssert.Throws(() => new MaxPool2dLayer("p", 2, stride: -1), "stride", "-1");
        ArgumentAssert.Throws(() => new MaxPool2dLayer("p", 3, dilation: 0), "dilation", "0");
        ArgumentAssert.Throws(() => new AvgPool2dLayer("p", 2, padding: 2), "padding.Top", "smaller than the dilated kernel");
        ArgumentAssert.Throws(() => new DropoutLayer("d", 1f, 0), "p", "[0, 1)");
        ArgumentAssert.Throws(() => new MaxPool2dLayer("pool1", 2).OutputShape(new(4, 10)), "input", "pool1", "[4, 10]", "[N, C, H, W]");
        ArgumentAssert.Throws(() => new MaxPool2dLayer("pool2", 5).OutputShape(new(1, 1, 3, 3)), "input", "pool2", "[1, 1, 3, 3]", "kernel");
        ArgumentAssert.Throws(() => new GlobalAvgPoolLayer("gap").OutputShape(new(4, 10)), "input", "gap", "[4, 10]", "[N, C, H, W]");
        ArgumentAssert.Throws(() => new FlattenLayer("flat").OutputShape(new(4)), "input", "flat", "[4]", "rank ≥ 2");
    }
}
