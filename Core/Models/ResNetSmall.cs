using MLNet.Cnn.Kernels;
using MLNet.Cnn.Layers;

namespace MLNet.Cnn.Models;

/// <summary>
/// A small ResNet for 28×28–64×64 images (Fashion-MNIST, CIFAR-size data): a 3×3 stem, then one stage per
/// width, each of <c>blocksPerStage</c> basic blocks, halving the resolution from the second stage on,
/// then global average pooling and a dense classifier. Default widths 16-32-64 (the layout of the project's
/// pretrained fmnist-resnet-small).
/// </summary>
public static class ResNetSmall
{
    /// <summary>
    /// The network for images of <paramref name="channels"/>×<paramref name="height"/>×<paramref name="width"/> and
    /// <paramref name="classes"/> classes, every other argument at its default: the argument order of the CNN trainers'
    /// <c>Network</c> delegate, so <c>Network = ResNetSmall.Build</c> works. The network ends in global average pooling: any size it can downsample is taken, a smaller one is refused. Like every builder here, it leaves the
    /// weights at zero; the trainers fill them (<c>Initializer.Initialize</c> with their seed), a direct user calls it.
    /// </summary>
    /// <param name="channels">The input channels.</param>
    /// <param name="height">The input height.</param>
    /// <param name="width">The input width.</param>
    /// <param name="classes">The outputs.</param>
    public static Sequential Build(int channels, int height, int width, int classes) =>
        InputSize.Checked(Build(channels, classes), channels, height, width);

    /// <summary>Builds the small ResNet (see the type's summary).</summary>
    /// <param name="channels">C of the input images [C, H, W].</param>
    /// <param name="classes">The number of output classes (the logits [N, classes]).</param>
    /// <param name="widths">The width of each stage; null for 16-32-64.</param>
    /// <param name="blocksPerStage">Basic blocks per stage.</param>
    /// <returns>A new network taking [N, C, H, W] and giving [N, classes] logits.</returns>
    public static Sequential Build(int channels = 1, int classes = 10, int[]? widths = null, int blocksPerStage = 1)
    {
        widths ??= [16, 32, 64];
        if (widths.Length == 0 || widths.Any(w => w <= 0))
            throw new ArgumentException($"widths must be positive; [{string.Join(", ", widths)}] was given.", nameof(widths));
        if (blocksPerStage <= 0)
            throw new ArgumentException($"blocksPerStage must be positive; {blocksPerStage} was given.", nameof(blocksPerStage));
        var layers = new List<Layer>
        {
            new Conv2dLayer("stem.conv", channels, widths[0], 3, padding: 1, bias: false),
            new BatchNorm2dLayer("stem.bn", widths[0]),
            new ActivationLayer("stem.relu", new ReLU()),
        };
        int inChannels = widths[0];
        for (int stage = 0; stage < widths.Length; stage++)
            for (int block = 0; block < blocksPerStage; block++)
            {
                int stride = stage > 0 && block == 0 ? 2 : 1;
                layers.Add(ResNetBlocks.Basic($"layer{stage + 1}.{block}", inChannels, widths[stage], stride));
                inChannels = widths[stage];
            }
        layers.Add(new GlobalAvgPoolLayer("pool"));
        layers.Add(new FlattenLayer("flatten"));
        layers.Add(new DenseLayer("fc", inChannels, classes));
        return new Sequential("resnet_small", [.. layers]);
    }
}
