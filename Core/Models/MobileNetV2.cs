using MLNet.Cnn.Kernels;
using MLNet.Cnn.Layers;

namespace MLNet.Cnn.Models;

/// <summary>
/// MobileNet v2 (Sandler et al., 2018) as torchvision builds it: conv3×3/2 → 17 inverted residual blocks
/// (1×1 expansion ×t → depthwise 3×3 → linear 1×1 projection, each with BN, ReLU6 after the first two; a skip
/// when stride 1 and the width is unchanged) → conv1×1 to 1280 → global average pooling → dropout → dense.
/// Widths are c·α rounded to multiples of 8 (the last one never below 1280). 3,504,872 parameters at α = 1,
/// 3 channels, 1000 classes. Input at least 32×32.
/// </summary>
public static class MobileNetV2
{
    /// <summary>
    /// The network for images of <paramref name="channels"/>×<paramref name="height"/>×<paramref name="width"/> and
    /// <paramref name="classes"/> classes, every other argument at its default: the argument order of the CNN trainers'
    /// <c>Network</c> delegate, so <c>Network = MobileNetV2.Build</c> works. The network ends in global average pooling: any size it can downsample is taken, a smaller one is refused. Like every builder here, it leaves the
    /// weights at zero; the trainers fill them (<c>Initializer.Initialize</c> with their seed), a direct user calls it.
    /// </summary>
    /// <param name="channels">The input channels.</param>
    /// <param name="height">The input height.</param>
    /// <param name="width">The input width.</param>
    /// <param name="classes">The outputs.</param>
    public static Sequential Build(int channels, int height, int width, int classes) =>
        InputSize.Checked(Build(channels, classes), channels, height, width);

    /// <summary>Builds MobileNet v2 (see the type's summary).</summary>
    /// <param name="channels">C of the input images [C, H, W].</param>
    /// <param name="classes">The number of output classes (the logits [N, classes]).</param>
    /// <param name="widthMultiplier">α, the factor of every width.</param>
    /// <param name="dropout">The dropout rate before the classifier.</param>
    /// <param name="seed">The seed of the dropout masks.</param>
    /// <returns>A new network taking [N, C, H, W] and giving [N, classes] logits.</returns>
    public static Sequential Build(int channels = 3, int classes = 1000, double widthMultiplier = 1.0, float dropout = 0.2f,
        int seed = 0)
    {
        if (widthMultiplier <= 0) throw new ArgumentException($"widthMultiplier must be positive; {widthMultiplier} was given.", nameof(widthMultiplier));
        (int Expand, int Maps, int Repeats, int Stride)[] settings =
            [(1, 16, 1, 1), (6, 24, 2, 2), (6, 32, 3, 2), (6, 64, 4, 2), (6, 96, 3, 1), (6, 160, 3, 2), (6, 320, 1, 1)];
        Func<Activation> relu6 = () => new ReLU6();
        int inChannels = ConvBlocks.MakeDivisible(32 * widthMultiplier);
        int lastChannels = ConvBlocks.MakeDivisible(1280 * Math.Max(1.0, widthMultiplier));
        var layers = new List<Layer> { ConvBlocks.ConvBnAct("features.0", channels, inChannels, 3, 2, activation: relu6) };
        foreach (var (expand, maps, repeats, stride) in settings)
        {
            int outChannels = ConvBlocks.MakeDivisible(maps * widthMultiplier);
            for (int i = 0; i < repeats; i++)
            {
                layers.Add(InvertedResidual($"features.{layers.Count}", inChannels, outChannels, i == 0 ? stride : 1, expand));
                inChannels = outChannels;
            }
        }
        layers.Add(ConvBlocks.ConvBnAct($"features.{layers.Count}", inChannels, lastChannels, 1, activation: relu6));
        layers.Add(new GlobalAvgPoolLayer("avgpool"));
        layers.Add(new FlattenLayer("flatten"));
        layers.Add(new DropoutLayer("classifier.0", dropout, seed));
        layers.Add(new DenseLayer("classifier.1", lastChannels, classes));
        return new Sequential("mobilenet_v2", [.. layers]);
    }

    /// <summary>[1×1 expand → BN → ReLU6] → dw3×3 → BN → ReLU6 → 1×1 project → BN, with a skip when the shape is kept.</summary>
    public static Layer InvertedResidual(string name, int inChannels, int outChannels, int stride, int expandRatio)
    {
        int hidden = (int)Math.Round((double)inChannels * expandRatio);
        Func<Activation> relu6 = () => new ReLU6();
        var body = new List<Layer>();
        if (expandRatio != 1) body.Add(ConvBlocks.ConvBnAct($"{name}.expand", inChannels, hidden, 1, activation: relu6));
        body.Add(ConvBlocks.ConvBnAct($"{name}.dw", hidden, hidden, 3, stride, hidden, relu6));
        body.Add(ConvBlocks.ConvBnAct($"{name}.project", hidden, outChannels, 1));
        var sequence = new Sequential(stride == 1 && inChannels == outChannels ? $"{name}.body" : name, [.. body]);
        return stride == 1 && inChannels == outChannels ? new Residual(name, sequence) : sequence;
    }
}
