using MLNet.Cnn.Kernels;
using MLNet.Cnn.Layers;

namespace MLNet.Cnn.Models;

/// <summary>
/// MobileNet v1 (Howard et al., 2017) as Keras builds it: conv3×3/2 (32α maps) then 13 depthwise-separable blocks
/// (depthwise 3×3 → BN → ReLU → pointwise 1×1 → BN → ReLU), every convolution without bias, BN ε 0.001, then global
/// average pooling, dropout (Keras' default rate 0.001) and a dense classifier. The width multiplier α scales every
/// width as ⌊c·α⌋ (Keras).
/// 4,231,976 parameters at α = 1, 3 channels, 1000 classes (Keras' trainable count). Input at least 32×32.
/// </summary>
public static class MobileNetV1
{
    /// <summary>
    /// The network for images of <paramref name="channels"/>×<paramref name="height"/>×<paramref name="width"/> and
    /// <paramref name="classes"/> classes, every other argument at its default: the argument order of the CNN trainers'
    /// <c>Network</c> delegate, so <c>Network = MobileNetV1.Build</c> works. The network ends in global average pooling: any size it can downsample is taken, a smaller one is refused. Like every builder here, it leaves the
    /// weights at zero; the trainers fill them (<c>Initializer.Initialize</c> with their seed), a direct user calls it.
    /// </summary>
    /// <param name="channels">The input channels.</param>
    /// <param name="height">The input height.</param>
    /// <param name="width">The input width.</param>
    /// <param name="classes">The outputs.</param>
    public static Sequential Build(int channels, int height, int width, int classes) =>
        InputSize.Checked(Build(channels, classes), channels, height, width);

    /// <summary>Builds MobileNet v1 (see the type's summary).</summary>
    /// <param name="channels">C of the input images [C, H, W].</param>
    /// <param name="classes">The number of output classes (the logits [N, classes]).</param>
    /// <param name="widthMultiplier">α, the factor of every width.</param>
    /// <param name="dropout">The dropout rate before the classifier.</param>
    /// <param name="seed">The seed of the dropout masks.</param>
    /// <returns>A new network taking [N, C, H, W] and giving [N, classes] logits.</returns>
    public static Sequential Build(int channels = 3, int classes = 1000, double widthMultiplier = 1.0, float dropout = 0.001f,
        int seed = 0)
    {
        if (widthMultiplier <= 0) throw new ArgumentException($"widthMultiplier must be positive; {widthMultiplier} was given.", nameof(widthMultiplier));
        int Width(int c) => Math.Max(1, (int)(c * widthMultiplier));
        (int Maps, int Stride)[] blocks =
        [
            (64, 1), (128, 2), (128, 1), (256, 2), (256, 1), (512, 2),
            (512, 1), (512, 1), (512, 1), (512, 1), (512, 1), (1024, 2), (1024, 1),
        ];
        Func<Activation> relu = () => new ReLU();
        var layers = new List<Layer> { ConvBlocks.ConvBnAct("conv1", channels, Width(32), 3, 2, activation: relu, bnEpsilon: 1e-3f) };
        int inChannels = Width(32);
        for (int i = 0; i < blocks.Length; i++)
        {
            int outChannels = Width(blocks[i].Maps);
            layers.Add(new Sequential($"block{i + 1}",
                ConvBlocks.ConvBnAct($"block{i + 1}.dw", inChannels, inChannels, 3, blocks[i].Stride, inChannels, relu, 1e-3f),
                ConvBlocks.ConvBnAct($"block{i + 1}.pw", inChannels, outChannels, 1, activation: relu, bnEpsilon: 1e-3f)));
            inChannels = outChannels;
        }
        layers.Add(new GlobalAvgPoolLayer("avgpool"));
        layers.Add(new FlattenLayer("flatten"));
        layers.Add(new DropoutLayer("dropout", dropout, seed));
        layers.Add(new DenseLayer("fc", inChannels, classes));
        return new Sequential("mobilenet_v1", [.. layers]);
    }
}
