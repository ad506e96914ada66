using MLNet.Cnn.Kernels;
using MLNet.Cnn.Layers;
using MLNet.Cnn.Tensors;
using MLNet.Cnn.Tests.Support;
using MLNet.Cnn.Transfer;

namespace MLNet.Cnn.Tests.Layers;

/// <summary>
/// Training passes with inference behaviour (<see cref="IInferenceBehaviour"/>, <see cref="InferenceGradients"/>): frozen
/// batch norm against the reference loop and finite differences, dropout passing through, every layer type computing its
/// inference output in a training pass, frozen blocks passing gradients, and the scope putting the settings back.
/// </summary>
[TestClass]
public sealed class InferenceGradientsTests
{
    private const float Epsilon = 1e-3f;

    [TestMethod]
    public void FrozenBatchNormMatchesTheReferenceLoopAndLeavesItsStatisticsAlone()
    {
        int[] dims = [2, 3, 4, 5];
        var shape = new TensorShape(dims);
        var bn = RandomBatchNorm(seed: 10);
        var (runningMean, runningVar) = (bn.RunningMean.ToArray(), bn.RunningVariance.ToArray());
        var x = TestData.Tensor(11, dims);
        var dy = TestData.Tensor(12, dims);

        var y = bn.Forward(x, training: true).ToArray();
        var dx = bn.Backward(dy).ToArray();

        double[] Double(Tensor t) => TestData.ToDouble(t.Span);
        var (expectedY, expectedDx) = (new double[x.Length], new double[x.Length]);
        var (expectedDGamma, expectedDBeta) = (new double[3], new double[3]);
        BatchNorm2dReference.ForwardInference<double>(shape, Double(x), Double(bn.Gamma.Value), Double(bn.Beta.Value), Double(bn.RunningMean),
            Double(bn.RunningVariance), Epsilon, expectedY);
        BatchNorm2dReference.BackwardInference<double>(shape, Double(x), Double(dy), Double(bn.Gamma.Value), Double(bn.RunningMean),
            Double(bn.RunningVariance), Epsilon, expectedDx, expectedDGamma, expectedDBeta);
        Approx.AssertClose(expectedY, y, 1e-5, "y = γ·(x − running mean)/√(running var + ε) + β", shape);
        Approx.AssertClose(expectedDx, dx, 1e-5, "dx = dy·γ/√(running var + ε)", shape);
        Approx.AssertClose(expectedDGamma, bn.Gamma.Gradient.Span, 1e-5, "dγ = Σ dy·x̂");
        Approx.AssertClose(expectedDBeta, bn.Beta.Gradient.Span, 1e-5, "dβ = Σ dy");
        CollectionAssert.AreEqual(runningMean, bn.RunningMean.ToArray(), "running mean");
        CollectionAssert.AreEqual(runningVar, bn.RunningVariance.ToArray(), "running variance");
    }

    [TestMethod]
    public void FrozenBatchNormBackwardMatchesFiniteDifferences()
    {
        int[] dims = [2, 3, 3, 2];
        var bn = RandomBatchNorm(seed: 20);
        double[] Forward(double[] x) => TestData.ToDouble(bn.Forward(Tensor.FromArray([.. x.Select(v => (float)v)], dims), training: true).Span);
        double[] x = TestData.ToDouble(TestData.Floats(21, 36, 2f));
        // The float layer is affine in x: a step of 1e-2 keeps float rounding far below the tolerance.
        GradientCheck.AssertMatchesFiniteDifferences("frozen batch norm ∂L/∂x", x, Forward, g =>
        {
            Forward(x);
            return TestData.ToDouble(bn.Backward(Tensor.FromArray([.. g.Select(v => (float)v)], dims)).Span);
        }, step: 1e-2, tolerance: 1e-4);
        // γ and β (and the loss going down) through the harness every layer goes through.
        LayerHarness.Check(new BatchNorm2dLayer("bn", 3) { UseRunningStatistics = true }, new(4, 3, 3, 2), 6);
    }

    [TestMethod]
    public void FrozenBatchNormTakesOneValuePerChannel()
    {
        // Training on batch statistics needs two values per channel; the running ones do not.
        var bn = RandomBatchNorm(seed: 30);
        var x = TestData.Tensor(31, 1, 3, 1, 1);
        var expected = bn.Forward(x, training: false).ToArray();
        CollectionAssert.AreEqual(expected, bn.Forward(x, training: true).ToArray());
        bn.Backward(TestData.Tensor(32, 1, 3, 1, 1));
        bn.UseRunningStatistics = false;
        ArgumentAssert.Throws(() => bn.Forward(x, training: true), "input", "more than one value per channel");
    }

    [TestMethod]
    public void DropoutPassingThroughDrawsNothingAndPassesTheGradient()
    {
        var dropout = new DropoutLayer("drop", 0.5f, seed: 3) { PassThrough = true };
        var x = TestData.Tensor(40, 2, 3, 4, 4);
        Assert.AreSame(x, dropout.Forward(x, training: true), "a training pass returns the input");
        Assert.AreEqual(0, dropout.Draws, "no mask drawn");
        Assert.IsNull(dropout.DrawnMask);
        var g = TestData.Tensor(41, 2, 3, 4, 4);
        CollectionAssert.AreEqual(g.ToArray(), dropout.Backward(g).ToArray(), "the gradient passes unchanged");

        dropout.PassThrough = false;
        var y = dropout.Forward(x, training: true).ToArray();
        Assert.AreEqual(1, dropout.Draws);
        Assert.IsTrue(y.Contains(0f), "back to dropping");
    }

    [TestMethod]
    public void EveryLayerTypeComputesItsInferenceOutputInATrainingPassWhenEnabled()
    {
        int seed = 50, differing = 0;
        foreach (var (type, samples) in LayerSamples.ByType)
            foreach (var (layer, input) in samples())
            {
                TestNetworks.Randomize(layer);
                var x = TestData.Tensor(seed++, input);
                var expected = layer.Forward(x, training: false).ToArray();
                var buffers = layer.AllBuffers().Select(b => b.Value.ToArray()).ToArray();
                using (InferenceGradients.Enable(layer))
                {
                    var y = layer.Forward(x, training: true);
                    Approx.AssertClose(TestData.ToDouble(expected), y.Span, 1e-5, $"{type.Name} {layer}: training pass with inference behaviour");
                    var gradInput = layer.Backward(TestData.Tensor(seed++, y.Shape));
                    Assert.AreEqual(x.Shape, gradInput.Shape, $"{layer}: gradient shape");
                }
                AssertSame(buffers, layer, "after the enabled pass");
                Assert.IsTrue(Draws(layer).All(d => d == 0), $"{layer}: dropout drew a mask");

                // The plain training pass differs where the interface says it does.
                if (!TestData.ToDouble(layer.Forward(x, training: true).Span).SequenceEqual(TestData.ToDouble(expected))) differing++;
            }
        Assert.IsTrue(differing >= 3, $"batch norm, dropout and the imported network with batch norm differ in plain training; {differing} did");
    }

    [TestMethod]
    public void TheScopePutsBackEachLayersSetting()
    {
        var frozen = new BatchNorm2dLayer("frozen", 2) { UseRunningStatistics = true };
        var bn = new BatchNorm2dLayer("bn", 2);
        var dropout = new DropoutLayer("drop", 0.2f, 1);
        var network = new Sequential("net", frozen, new Residual("block", new Sequential("body", bn, dropout)));
        var scope = InferenceGradients.Enable(network);
        Assert.IsTrue(frozen.UseRunningStatistics && bn.UseRunningStatistics && dropout.PassThrough, "all switched");
        using (InferenceGradients.Enable(bn)) { }
        Assert.IsTrue(bn.UseRunningStatistics, "an inner scope puts back the outer one's setting");
        scope.Dispose();
        scope.Dispose();
        Assert.IsTrue(frozen.UseRunningStatistics, "it was set before");
        Assert.IsFalse(bn.UseRunningStatistics || dropout.PassThrough, "they were not");
    }

    [TestMethod]
    public void FrozenBlocksPassTheGradientAtInferenceWhenEnabled()
    {
        Layer[] blocks = [new Conv2dLayer("conv", 2, 3, 3, padding: 1), new BatchNorm2dLayer("bn", 3), new ActivationLayer("tanh", new Tanh()),
            new DropoutLayer("drop", 0.5f, 4)];
        var frozen = new FrozenBlocks("frozen", blocks);
        var plain = new Sequential("plain", blocks);
        TestNetworks.Randomize(plain);
        var x = TestData.Tensor(60, 2, 2, 4, 4);
        var g = TestData.Tensor(61, 2, 3, 4, 4);

        frozen.Forward(x, training: true);
        Assert.IsTrue(frozen.Backward(g).ToArray().All(v => v == 0), "frozen blocks pass no gradient in training");
        float[] expected;
        using (InferenceGradients.Enable(plain))
        {
            plain.Forward(x, training: true);
            expected = plain.Backward(g).ToArray();
        }
        using (InferenceGradients.Enable(frozen))
        {
            frozen.Forward(x, training: true);
            CollectionAssert.AreEqual(expected, frozen.Backward(g).ToArray(), "the gradient of the blocks at inference");
        }
        Assert.IsTrue(frozen.Backward(g).ToArray().Any(v => v != 0), "the last pass's backward goes with it");
        Assert.IsFalse(((BatchNorm2dLayer)blocks[1]).UseRunningStatistics, "the inner settings are put back");
    }

    private static BatchNorm2dLayer RandomBatchNorm(int seed)
    {
        var bn = new BatchNorm2dLayer("bn", 3, epsilon: Epsilon) { UseRunningStatistics = true };
        TestData.Floats(seed, 3, 2f).CopyTo(bn.Gamma.Value.Span);
        TestData.Floats(seed + 1, 3).CopyTo(bn.Beta.Value.Span);
        TestData.Floats(seed + 2, 3).CopyTo(bn.RunningMean.Span);
        TestData.Floats(seed + 3, 3, 0.5f).Select(v => 1f + v).ToArray().CopyTo(bn.RunningVariance.Span);
        return bn;
    }

    private static IEnumerable<int> Draws(Layer layer) =>
        layer.Children.SelectMany(Draws).Concat(layer is ICountedDraws counted ? [counted.Draws] : []);

    private static void AssertSame(float[][] buffers, Layer layer, string when)
    {
        foreach (var (saved, (name, value)) in buffers.Zip(layer.AllBuffers()))
            CollectionAssert.AreEqual(saved, value.ToArray(), $"{layer}: {name} {when}");
    }
}
