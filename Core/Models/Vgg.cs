using MLNet.Cnn.Kernels;
using MLNet.Cnn.Layers;

namespace MLNet.Cnn.Models;

/// <summary>
/// VGG (Simonyan and Zisserman, 2015), configurations A (11), B (13), D (16) and E (19) as torchvision builds them:
/// 3×3 convolutions with bias (optionally followed by batch norm) and ReLU, five 2×2 max-pools, then a
/// 4096-4096-classes head with dropout. At 3×224×224, 1000 classes: vgg11 132,863,336; vgg16 138,357,544
/// (batch norm adds 2 per channel: vgg11_bn 132,868,840, vgg16_bn 138,365,992). Input at least 32×32.
/// </summary>
public static class Vgg
{
    private const int M = 0; // a max-pool in the configuration

    /// <summary>Builds a VGG (see the type's summary).</summary>
    /// <param name="depth">11, 13, 16 or 19.</param>
    /// <param name="batchNorm">Batch norm after every convolution (torchvision's vgg*_bn).</param>
    /// <param name="channels">C of the input images [C, H, W].</param>
    /// <param name="height">H of the input images, in pixels.</param>
    /// <param name="width">W of the input images, in pixels.</param>
    /// <param name="classes">The number of output classes (the logits [N, classes]).</param>
    /// <param name="dropout">The dropout rate of the two hidden dense layers.</param>
    /// <param name="hidden">The units of each hidden dense layer.</param>
    /// <param name="seed">The seed of the dropout masks.</param>
    /// <returns>A new network taking [N, C, H, W] and giving [N, classes] logits.</returns>
    public static Sequential Build(int depth = 16, bool batchNorm = false, int channels = 3, int height = 224, int width = 224,
        int classes = 1000, float dropout = 0.5f, int hidden = 4096, int seed = 0)
    {
        int[] config = depth switch
        {
            11 => [64, M, 128, M, 256, 256, M, 512, 512, M, 512, 512, M],
            13 => [64, 64, M, 128, 128, M, 256, 256, M, 512, 512, M, 512, 512, M],
            16 => [64, 64, M, 128, 128, M, 256, 256, 256, M, 512, 512, 512, M, 512, 512, 512, M],
            19 => [64, 64, M, 128, 128, M, 256, 256, 256, 256, M, 512, 512, 512, 512, M, 512, 512, 512, 512, M],
            _ => throw new ArgumentException($"depth must be 11, 13, 16 or 19; {depth} was given.", nameof(depth)),
        };
        var features = new List<Layer>();
        int inChannels = channels;
        foreach (int maps in config)
        {
            int i = features.Count; // torchvision's index in `features`
            if (maps == M) { features.Add(new MaxPool2dLayer($"features.{i}", 2)); continue; }
            features.Add(new Conv2dLayer($"features.{i}", inChannels, maps, 3, padding: 1));
            if (batchNorm) features.Add(new BatchNorm2dLayer($"features.{i + 1}", maps));
            features.Add(new ActivationLayer($"features.{features.Count}", new ReLU()));
            inChannels = maps;
        }
        var featureStack = new Sequential("features", [.. features]);
        int size = Classifier.FeatureSize(featureStack, channels, height, width, $"VGG-{depth}");
        return new Sequential($"vgg{depth}{(batchNorm ? "_bn" : "")}",
            [featureStack, .. Classifier.Head(size, hidden, classes, dropout, seed, dropoutFirst: false)]);
    }
}
