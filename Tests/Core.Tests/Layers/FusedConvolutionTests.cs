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

    /// <summary>
    /// Residual blocks at inference: the shortcut first, then the body, whose last convolution (with its batch norm) adds the
    /// skip connection and applies the activation after the block. Block 1: strided, a 1×1 conv + BN shortcut, ReLU after;
    /// block 2: identity shortcut, a body ending in a bare convolution with bias, SiLU after, on a 4×4 map with 120 channels
    /// (the batch-folded path); block 3: a body ending in an activation (added afterwards), nothing after it; block 4: a body of
    /// sequences, as MobileNet's and EfficientNet's (expand, depthwise, project), whose last sequence's convolution adds the skip.
    /// </summary>
    [TestMethod]
    public void AResidualBlockAddsItsSkipAndActivationInItsLastConvolution()
    {
        Residual Block(string name, Layer[] body, Layer[]? shortcut = null) =>
            new(name, new Sequential($"{name}.body", body), shortcut is null ? null : new Sequential($"{name}.shortcut", shortcut));
        var network = new Sequential("net",
            Block("b1",
                [new Conv2dLayer("c1", 3, 120, 3, stride: 2, padding: 1, bias: false), new BatchNorm2dLayer("n1", 120), new ActivationLayer("r1", new ReLU()),
                 new Conv2dLayer("c2", 120, 120, 3, padding: 1, bias: false), new BatchNorm2dLayer("n2", 120)],
                [new Conv2dLayer("s1", 3, 120, 1, stride: 2, bias: false), new BatchNorm2dLayer("sn1", 120)]),
            new ActivationLayer("after1", new ReLU()),
            Block("b2", [new Conv2dLayer("c3", 120, 120, 3, padding: 1), new ActivationLayer("r3", new ReLU()), new Conv2dLayer("c4", 120, 120, 3, padding: 1)]),
            new ActivationLayer("after2", new SiLU()),
            Block("b3", [new Conv2dLayer("c5", 120, 120, 1), new BatchNorm2dLayer("n5", 120), new ActivationLayer("r5", new ReLU())]),
            Block("b4", [
                new Sequential("b4.expand", new Conv2dLayer("e6", 120, 240, 1, bias: false), new BatchNorm2dLayer("en6", 240), new ActivationLayer("er6", new ReLU6())),
                new Sequential("b4.dw", new Conv2dLayer("d6", 240, 240, 3, padding: 1, groups: 240, bias: false), new BatchNorm2dLayer("dn6", 240), new ActivationLayer("dr6", new ReLU6())),
                new Sequential("b4.project", new Conv2dLayer("p6", 240, 120, 1, bias: false), new BatchNorm2dLayer("pn6", 120))]));
        Initializer.Initialize(network, 11);
        var random = new Random(7);
        foreach (var bn in AllLayers(network).OfType<BatchNorm2dLayer>())
        {
            foreach (ref float v in bn.Gamma.Value.Span) v = (float)(0.5 + random.NextDouble());
            foreach (ref float v in bn.RunningMean.Span) v = (float)(random.NextDouble() - 0.5);
            foreach (ref float v in bn.RunningVariance.Span) v = (float)(0.1 + 2 * random.NextDouble());
        }
        var x = TestData.Tensor(4, 3, 3, 8, 8);
        Assert.IsTrue(Conv2d.FoldsBatch(new Conv2dGeometry(3, 120, 4, 4, 120, 3, 3, padding: new Padding2d(1, 1, 1, 1))));

        // The reference: every layer on its own (batch norm and activations as their own kernels), the addition by hand.
        Tensor Each(Layer layer, Tensor input) => layer is Sequential sequential ? sequential.Children.Aggregate(input, (t, l) => Each(l, t)) : layer.Forward(input, false);
        Tensor BlockByHand(Residual block, Tensor input)
        {
            var body = Each(block.Children[0], input);
            float[] values = body.ToArray(), skip = (block.Children.Count > 1 ? Each(block.Children[1], input) : input).ToArray();
            return Tensor.FromArray(values.Zip(skip, (b, s) => b + s).ToArray(), [.. body.Shape.Dimensions]);
        }
        var layers = network.Children;
        var expectedTensor = BlockByHand((Residual)layers[0], x);
        expectedTensor = layers[1].Forward(expectedTensor, false);
        expectedTensor = BlockByHand((Residual)layers[2], expectedTensor);
        expectedTensor = layers[3].Forward(expectedTensor, false);
        expectedTensor = BlockByHand((Residual)layers[4], expectedTensor);
        var expected = BlockByHand((Residual)layers[5], expectedTensor).ToArray();
        Assert.IsTrue(((Sequential)layers[5].Children[0]).EndsInConvolution, "block 4's body ends in its project sequence's convolution");

        var fused = network.Forward(x, training: false).ToArray();
        double scale = expected.Max(Math.Abs);
        for (int i = 0; i < expected.Length; i++) Assert.AreEqual(expected[i], fused[i], 1e-5 * scale, $"element {i}");
        Assert.IsTrue(expected.Zip(fused).Any(p => p.First != p.Second), "the fused pass is a different computation (else this test checks nothing)");
    }

    private static IEnumerable<Layer> AllLayers(Layer layer) => layer.Children.SelectMany(AllLayers).Prepend(layer);
}
