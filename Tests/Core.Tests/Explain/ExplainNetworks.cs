using MLNet.Cnn.Kernels;
using MLNet.Cnn.Layers;
using MLNet.Cnn.Models;
using MLNet.Cnn.Tensors;
using MLNet.Cnn.Tests.Support;

namespace MLNet.Cnn.Tests.Explain;

/// <summary>Small networks for the Explain tests.</summary>
internal static class ExplainNetworks
{
    /// <summary>The input of <see cref="Small"/>: 3×6×5, odd and not square.</summary>
    public static readonly int[] SmallImage = [3, 6, 5];

    /// <summary>
    /// A classifier of 3 classes with batch norm, dropout and a residual block, its weights and running statistics random:
    /// features (conv → bn → relu → mix) → block (conv → bn → tanh → conv2 → bn2, plus the skip) → silu → gap → flatten →
    /// drop → fc. After the features everything is smooth, so finite differences behave.
    /// </summary>
    public static CnnModel Small()
    {
        var features = new Sequential("features", new Conv2dLayer("conv", 3, 4, 3, padding: 1), new BatchNorm2dLayer("bn", 4),
            new ActivationLayer("relu", new ReLU()), new Conv2dLayer("mix", 4, 4, 1));
        var block = new Residual("block", new Sequential("body", new Conv2dLayer("conv", 4, 4, 3, padding: 1), new BatchNorm2dLayer("bn", 4),
            new ActivationLayer("tanh", new Tanh()), new Conv2dLayer("conv2", 4, 4, 3, padding: 1), new BatchNorm2dLayer("bn2", 4)));
        var network = new Sequential("net", features, block, new ActivationLayer("silu", new SiLU()), new GlobalAvgPoolLayer("gap"),
            new FlattenLayer("flatten"), new DropoutLayer("drop", 0.5f, seed: 7), new DenseLayer("fc", 4, 3));
        TestNetworks.Randomize(network);
        return new CnnModel(network, new(SmallImage), ["cat", "dog", "bird"]);
    }

    /// <summary>
    /// The class activation map's network: a 2×2 stride-2 convolution of one 8×8 channel into "bright" (the mean of each 2×2
    /// cell) and "dark" (1 − that mean), ReLU, global average pool, and a dense layer of 2 classes with weights
    /// [[4, −1], [−1, 2]] and biases [0.25, −0.25].
    /// </summary>
    public static CnnModel ClassActivationMap()
    {
        var conv = new Conv2dLayer("conv", 1, 2, 2, stride: 2);
        conv.Weight.Value.Span[..4].Fill(0.25f);
        conv.Weight.Value.Span[4..].Fill(-0.25f);
        conv.Bias!.Value.Span[1] = 1f;
        var fc = new DenseLayer("fc", 2, 2);
        new float[] { 4, -1, -1, 2 }.CopyTo(fc.Weight.Value.Span);
        new float[] { 0.25f, -0.25f }.CopyTo(fc.Bias!.Value.Span);
        var network = new Sequential("cam", conv, new ActivationLayer("relu", new ReLU()), new GlobalAvgPoolLayer("gap"), new FlattenLayer("flatten"), fc);
        return new CnnModel(network, new(1, 8, 8), ["object", "background"]);
    }

    /// <summary>An 8×8 image of <see cref="ClassActivationMap"/>'s: 1 in its top-left 4×4 corner (the object), 0 elsewhere.</summary>
    public static Tensor CornerObject()
    {
        var image = new Tensor(1, 8, 8);
        for (int y = 0; y < 4; y++)
            for (int x = 0; x < 4; x++) image.Span[y * 8 + x] = 1f;
        return image;
    }
}
