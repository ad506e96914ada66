using MLNet.Cnn.Kernels;
using MLNet.Cnn.Layers;
using MLNet.Cnn.Tensors;
using MLNet.Cnn.Tests.Support;
using MLNet.Cnn.Training;

namespace MLNet.Cnn.Tests.Layers;

/// <summary>
/// At inference a convolution followed by batch norm, an activation or both runs as one convolution with the normalization
/// folded in and the activation applied by its kernel: every pattern, on the implicit-GEMM, batch-folded and depthwise paths.
/// </summary>
[TestClass]
public sealed class FusedConvolutionTests
{
    private static Sequential Network()
    {
        var network = new Sequential("net",
            new Conv2dLayer("conv1", 3, 6, 3, padding: 1), new BatchNorm2dLayer("bn1", 6), new ActivationLayer("relu", new ReLU()),
            new Conv2dLayer("conv2", 6, 18, 3, stride: 2, groups: 2, bias: false), new BatchNorm2dLayer("bn2", 18, epsilon: 1e-3f),
            new Conv2dLayer("dw", 18, 18, 3, padding: 1, groups: 18), new BatchNorm2dLayer("bn3", 18), new ActivationLayer("relu6", new ReLU6()),
            new Conv2dLayer("expand", 18, 40, 1), new ActivationLayer("silu", new SiLU()),
            new Conv2dLayer("late", 40, 48, 1), new BatchNorm2dLayer("bn4", 48), new ActivationLayer("hardswish", new HardSwish()));
        Initializer.Initialize(network, 3);
        var random = new Random(5);
        foreach (var bn in network.Children.OfType<BatchNorm2dLayer>())
        {
            foreach (ref float v in bn.Gamma.Value.Span) v = (float)(0.5 + random.NextDouble());
            foreach (ref float v in bn.Beta.Value.Span) v = (float)(random.NextDouble() - 0.5);
            foreach (ref float v in bn.RunningMean.Span) v = (float)(random.NextDouble() - 0.5);
            foreach (ref float v in bn.RunningVariance.Span) v = (float)(0.1 + 2 * random.NextDouble());
        }
        return network;
    }

    /// <summary>The layers one by one, each in its own forward pass: batch norm as its own kernel.</summary>
    private static float[] LayerByLayer(Sequential network, Tensor x, bool training)
    {
        foreach (var layer in network.Children) x = layer.Forward(x, training);
        return x.ToArray();
    }

    [TestMethod]
    public void InferenceFoldsTheNormalizationAndMatchesTheLayersWithinRounding()
    {
        var network = Network();
        var x = TestData.Tensor(1, 4, 3, 13, 13);   // the last convolution (1×1, 48 channels on 7×7) folds the batch into its GEMM
        Assert.IsTrue(Conv2d.FoldsBatch(new Conv2dGeometry(4, 40, 7, 7, 48, 1, 1)));
        var expected = LayerByLayer(network, x, training: false);
        var folded = network.Forward(x, training: false).ToArray();
        double scale = expected.Max(Math.Abs);
        for (int i = 0; i < expected.Length; i++)
            Assert.AreEqual(expected[i], folded[i], 1e-5 * scale, $"element {i}");
        Assert.IsTrue(expected.Zip(folded).Any(p => p.First != p.Second), "the folded pass is a different computation (else this test checks nothing)");
    }

    [TestMethod]
    public void EachPatternIsFusedAndAnythingElseRunsAsItIs()
    {
        var layers = Network().Children;
        Assert.AreEqual(3, FusedConvolution.At(layers, 0)!.Length, "conv → BN → ReLU");
        Assert.AreEqual(2, FusedConvolution.At(layers, 3)!.Length, "conv → BN, then another conv");
        Assert.AreEqual(2, FusedConvolution.At(layers, 8)!.Length, "conv → SiLU");
        Assert.IsNull(FusedConvolution.At(layers, 1), "batch norm alone");
        Assert.IsNull(FusedConvolution.At(layers, 2), "activation alone");
        var conv = new Conv2dLayer("c", 2, 3, 1);
        Assert.IsNull(FusedConvolution.At([conv, new BatchNorm2dLayer("bn", 4)], 0), "a batch norm of other channels");
        Assert.IsNull(FusedConvolution.At([conv], 0), "a convolution at the end");
    }

    [TestMethod]
    public void TrainingRunsTheLayersAsTheyAre()
    {
        var network = Network();
        var x = TestData.Tensor(2, 4, 3, 13, 13);
        var reference = Network();
        CollectionAssert.AreEqual(LayerByLayer(reference, x, training: true), network.Forward(x, training: true).ToArray());
    }

    [TestMethod]
    public void TheFoldedWeightsFollowTheCurrentWeightsAndStatistics()
    {
        var network = Network();
        var x = TestData.Tensor(3, 2, 3, 13, 13);
        network.Forward(x, training: false);
        var bn = (BatchNorm2dLayer)network.Children[1];
        bn.RunningMean.Span[0] += 1f;
        ((Conv2dLayer)network.Children[0]).Weight.Value.Span[0] *= 2f;
        var expected = LayerByLayer(network, x, training: false);
        var folded = network.Forward(x, training: false).ToArray();
        double scale = expected.Max(Math.Abs);
        for (int i = 0; i < expected.Length; i++) Assert.AreEqual(expected[i], folded[i], 1e-5 * scale, $"element {i}");
    }
}
