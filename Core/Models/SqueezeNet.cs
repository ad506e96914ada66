using MLNet.Cnn.Kernels;
using MLNet.Cnn.Layers;

namespace MLNet.Cnn.Models;

/// <summary>
/// SqueezeNet (Iandola et al., 2016) as torchvision builds it: fire modules (1×1 squeeze → ReLU, then 1×1 and 3×3
/// expands with ReLU concatenated by <see cref="Branches"/>), ceil-mode max-pools, and a classifier of dropout →
/// conv1×1 → ReLU → global average pooling. Version 1.1 (default; 1,235,496 parameters at 3 channels, 1000 classes)
/// starts with a 3×3/2 convolution of 64 maps and pools earlier; version 1.0 (1,248,424) with 7×7/2 of 96.
/// Input at least 32×32 (1.1) or 48×48 (1.0).
/// </summary>
public static class SqueezeNet
{
    /// <summary>
    /// The network for images of <paramref name="channels"/>×<paramref name="height"/>×<paramref name="width"/> and
    /// <paramref name="classes"/> classes, every other argument at its default: the argument order of the CNN trainers'
    /// <c>Network</c> delegate, so <c>Network = SqueezeNet.Build</c> works. The network ends in global average pooling: any size it can downsample is taken, a smaller one is refused. Like every builder here, it leaves the
    /// weights at zero; the trainers fill them (<c>Initializer.Initialize</c> with their seed), a direct user calls it.
    /// </summary>
    /// <param name="channels">The input channels.</param>
    /// <param name="height">The input height.</param>
    /// <param name="width">The input width.</param>
    /// <param name="classes">The outputs.</param>
    public static Sequential Build(int channels, int height, int width, int classes) =>
        InputSize.Checked(Build(channels, classes), channels, height, width);

    /// <summary>Builds SqueezeNet (see the type's summary).</summary>
    /// <param name="channels">C of the input images [C, H, W].</param>
    /// <param name="classes">The number of output classes (the logits [N, classes]).</param>
    /// <param name="version">"1_1" (default) or "1_0".</param>
    /// <param name="dropout">The dropout rate before the classifier.</param>
    /// <param name="seed">The seed of the dropout masks.</param>
    /// <returns>A new network taking [N, C, H, W] and giving [N, classes] logits.</returns>
    public static Sequential Build(int channels = 3, int classes = 1000, string version = "1_1", float dropout = 0.5f, int seed = 0)
    {
        int pools = 0;
        Layer Pool() => new MaxPool2dLayer($"features.pool{++pools}", 3, 2, ceilMode: true);
        Layer[] features = version switch
        {
            "1_0" =>
            [
                new Conv2dLayer("features.conv1", channels, 96, 7, 2), new ActivationLayer("features.relu1", new ReLU()), Pool(),
                Fire("features.fire2", 96, 16, 64, 64), Fire("features.fire3", 128, 16, 64, 64), Fire("features.fire4", 128, 32, 128, 128),
                Pool(),
                Fire("features.fire5", 256, 32, 128, 128), Fire("features.fire6", 256, 48, 192, 192),
                Fire("features.fire7", 384, 48, 192, 192), Fire("features.fire8", 384, 64, 256, 256),
                Pool(),
                Fire("features.fire9", 512, 64, 256, 256),
            ],
            "1_1" =>
            [
                new Conv2dLayer("features.conv1", channels, 64, 3, 2), new ActivationLayer("features.relu1", new ReLU()), Pool(),
                Fire("features.fire2", 64, 16, 64, 64), Fire("features.fire3", 128, 16, 64, 64),
                Pool(),
                Fire("features.fire4", 128, 32, 128, 128), Fire("features.fire5", 256, 32, 128, 128),
                Pool(),
                Fire("features.fire6", 256, 48, 192, 192), Fire("features.fire7", 384, 48, 192, 192),
                Fire("features.fire8", 384, 64, 256, 256), Fire("features.fire9", 512, 64, 256, 256),
            ],
            _ => throw new ArgumentException($"version must be \"1_0\" or \"1_1\"; \"{version}\" was given.", nameof(version)),
        };
        return new Sequential($"squeezenet{version}",
            new Sequential("features", features),
            new DropoutLayer("classifier.dropout", dropout, seed),
            new Conv2dLayer("classifier.conv", 512, classes, 1),
            new ActivationLayer("classifier.relu", new ReLU()),
            new GlobalAvgPoolLayer("avgpool"),
            new FlattenLayer("flatten"));
    }

    /// <summary>squeeze 1×1 → ReLU → concat(expand 1×1 → ReLU, expand 3×3 → ReLU).</summary>
    public static Layer Fire(string name, int inChannels, int squeeze, int expand1x1, int expand3x3) =>
        new Sequential(name,
            new Conv2dLayer($"{name}.squeeze", inChannels, squeeze, 1),
            new ActivationLayer($"{name}.squeeze_relu", new ReLU()),
            new Branches($"{name}.expand",
                new Sequential($"{name}.expand1x1",
                    new Conv2dLayer($"{name}.expand1x1.conv", squeeze, expand1x1, 1), new ActivationLayer($"{name}.expand1x1.relu", new ReLU())),
                new Sequential($"{name}.expand3x3",
                    new Conv2dLayer($"{name}.expand3x3.conv", squeeze, expand3x3, 3, padding: 1),
                    new ActivationLayer($"{name}.expand3x3.relu", new ReLU()))));
}
