using MLNet.Cnn.Kernels;
using MLNet.Cnn.Layers;

namespace MLNet.Cnn.Models;

/// <summary>
/// Network in Network (Lin et al., 2014), the ImageNet layout of Dive into Deep Learning §8.3: four "mlpconv" blocks
/// (a k×k convolution then two 1×1 convolutions, each with bias and ReLU) of 96 (11×11/4), 256 (5×5), 384 (3×3) and
/// classes (3×3) maps, max-pool 3×3/2 between them and dropout before the last, then global average pooling in place
/// of dense layers. 7,439,608 parameters at 3 channels and 1000 classes (by hand: 53,568 + 746,240 + 1,180,800 +
/// 5,459,000 for the four blocks). Input at least 67×67.
/// </summary>
public static class NetworkInNetwork
{
    /// <summary>
    /// The network for images of <paramref name="channels"/>×<paramref name="height"/>×<paramref name="width"/> and
    /// <paramref name="classes"/> classes, every other argument at its default: the argument order of the CNN trainers'
    /// <c>Network</c> delegate, so <c>Network = NetworkInNetwork.Build</c> works. The network ends in global average pooling: any size it can downsample is taken, a smaller one is refused. Like every builder here, it leaves the
    /// weights at zero; the trainers fill them (<c>Initializer.Initialize</c> with their seed), a direct user calls it.
    /// </summary>
    /// <param name="channels">The input channels.</param>
    /// <param name="height">The input height.</param>
    /// <param name="width">The input width.</param>
    /// <param name="classes">The outputs.</param>
    public static Sequential Build(int channels, int height, int width, int classes) =>
        InputSize.Checked(Build(channels, classes), channels, height, width);

    /// <summary>Builds Network in Network (see the type's summary).</summary>
    /// <param name="channels">C of the input images [C, H, W].</param>
    /// <param name="classes">The number of output classes (the logits [N, classes]).</param>
    /// <param name="dropout">The dropout rate before the last block.</param>
    /// <param name="seed">The seed of the dropout masks.</param>
    /// <returns>A new network taking [N, C, H, W] and giving [N, classes] logits.</returns>
    public static Sequential Build(int channels = 3, int classes = 1000, float dropout = 0.5f, int seed = 0)
    {
        static Layer Block(string name, int inChannels, int outChannels, int kernel, int stride, int padding) =>
            new Sequential(name,
                new Conv2dLayer($"{name}.conv", inChannels, outChannels, kernel, stride, padding),
                new ActivationLayer($"{name}.relu", new ReLU()),
                new Conv2dLayer($"{name}.cccp1", outChannels, outChannels, 1),
                new ActivationLayer($"{name}.relu1", new ReLU()),
                new Conv2dLayer($"{name}.cccp2", outChannels, outChannels, 1),
                new ActivationLayer($"{name}.relu2", new ReLU()));
        return new Sequential("nin",
            Block("block1", channels, 96, 11, 4, 0), new MaxPool2dLayer("pool1", 3, 2),
            Block("block2", 96, 256, 5, 1, 2), new MaxPool2dLayer("pool2", 3, 2),
            Block("block3", 256, 384, 3, 1, 1), new MaxPool2dLayer("pool3", 3, 2),
            new DropoutLayer("dropout", dropout, seed),
            Block("block4", 384, classes, 3, 1, 1),
            new GlobalAvgPoolLayer("avgpool"),
            new FlattenLayer("flatten"));
    }
}
