using MLNet.Cnn.Kernels;
using MLNet.Cnn.Layers;

namespace MLNet.Cnn.Models;

/// <summary>
/// GoogLeNet / Inception v1 (Szegedy et al., 2015) as torchvision builds it, without the auxiliary heads: every
/// convolution is BasicConv2d (conv without bias → BN ε 0.001 → ReLU), max-pools use ceil mode, and the "5×5"
/// branch is a 3×3 convolution (torchvision's known deviation, kept so the weights and the count match).
/// 6,624,904 parameters at 3 channels, 1000 classes. Input at least 32×32 (any size: global pooling).
/// </summary>
public static class GoogLeNet
{
    /// <summary>
    /// The network for images of <paramref name="channels"/>×<paramref name="height"/>×<paramref name="width"/> and
    /// <paramref name="classes"/> classes, every other argument at its default: the argument order of the CNN trainers'
    /// <c>Network</c> delegate, so <c>Network = GoogLeNet.Build</c> works. The network ends in global average pooling: any size it can downsample is taken, a smaller one is refused. Like every builder here, it leaves the
    /// weights at zero; the trainers fill them (<c>Initializer.Initialize</c> with their seed), a direct user calls it.
    /// </summary>
    /// <param name="channels">The input channels.</param>
    /// <param name="height">The input height.</param>
    /// <param name="width">The input width.</param>
    /// <param name="classes">The outputs.</param>
    public static Sequential Build(int channels, int height, int width, int classes) =>
        InputSize.Checked(Build(channels, classes), channels, height, width);

    /// <summary>Builds GoogLeNet (see the type's summary).</summary>
    /// <param name="channels">C of the input images [C, H, W].</param>
    /// <param name="classes">The number of output classes (the logits [N, classes]).</param>
    /// <param name="dropout">The dropout rate before the classifier.</param>
    /// <param name="seed">The seed of the dropout masks.</param>
    /// <returns>A new network taking [N, C, H, W] and giving [N, classes] logits.</returns>
    public static Sequential Build(int channels = 3, int classes = 1000, float dropout = 0.2f, int seed = 0) =>
        new("googlenet",
            BasicConv("conv1", channels, 64, 7, 2),
            new MaxPool2dLayer("maxpool1", 3, 2, ceilMode: true),
            BasicConv("conv2", 64, 64, 1),
            BasicConv("conv3", 64, 192, 3),
            new MaxPool2dLayer("maxpool2", 3, 2, ceilMode: true),
            Inception("inception3a", 192, 64, 96, 128, 16, 32, 32),
            Inception("inception3b", 256, 128, 128, 192, 32, 96, 64),
            new MaxPool2dLayer("maxpool3", 3, 2, ceilMode: true),
            Inception("inception4a", 480, 192, 96, 208, 16, 48, 64),
            Inception("inception4b", 512, 160, 112, 224, 24, 64, 64),
            Inception("inception4c", 512, 128, 128, 256, 24, 64, 64),
            Inception("inception4d", 512, 112, 144, 288, 32, 64, 64),
            Inception("inception4e", 528, 256, 160, 320, 32, 128, 128),
            new MaxPool2dLayer("maxpool4", 2, 2, ceilMode: true),
            Inception("inception5a", 832, 256, 160, 320, 32, 128, 128),
            Inception("inception5b", 832, 384, 192, 384, 48, 128, 128),
            new GlobalAvgPoolLayer("avgpool"),
            new FlattenLayer("flatten"),
            new DropoutLayer("dropout", dropout, seed),
            new DenseLayer("fc", 1024, classes));

    /// <summary>Four branches concatenated: 1×1 | 1×1 → 3×3 | 1×1 → 3×3 | max-pool 3×3/1 → 1×1.</summary>
    public static Layer Inception(string name, int inChannels, int ch1x1, int ch3x3Reduce, int ch3x3, int ch5x5Reduce, int ch5x5,
        int poolProjection) =>
        new Branches(name,
            BasicConv($"{name}.branch1", inChannels, ch1x1, 1),
            new Sequential($"{name}.branch2",
                BasicConv($"{name}.branch2.0", inChannels, ch3x3Reduce, 1), BasicConv($"{name}.branch2.1", ch3x3Reduce, ch3x3, 3)),
            new Sequential($"{name}.branch3",
                BasicConv($"{name}.branch3.0", inChannels, ch5x5Reduce, 1), BasicConv($"{name}.branch3.1", ch5x5Reduce, ch5x5, 3)),
            new Sequential($"{name}.branch4",
                new MaxPool2dLayer($"{name}.branch4.pool", 3, 1, padding: 1, ceilMode: true),
                BasicConv($"{name}.branch4.1", inChannels, poolProjection, 1)));

    private static Sequential BasicConv(string name, int inChannels, int outChannels, int kernel, int stride = 1) =>
        ConvBlocks.ConvBnAct(name, inChannels, outChannels, kernel, stride, activation: () => new ReLU(), bnEpsilon: 1e-3f);
}
