using MLNet.Cnn.Kernels;
using MLNet.Cnn.Layers;

namespace MLNet.Cnn.Models;

/// <summary>
/// ResNet (He et al., 2016) as torchvision builds it: conv7×7/2 → BN → ReLU → max-pool 3×3/2, four stages of
/// basic (18, 34) or bottleneck (50, 101, 152) blocks at widths 64-128-256-512 (×4 for bottlenecks), the first
/// block of stages 2–4 striding by 2, then global average pooling and a dense classifier. Any input of at least
/// 32×32. <c>groups</c> and <c>widthPerGroup</c> give ResNeXt (<see cref="ResNeXt"/>);
/// <c>seReduction</c> &gt; 0 adds squeeze-excite to every block (<see cref="SeResNet"/>).
/// Counts at 3 channels, 1000 classes: resnet18 11,689,512; resnet34 21,797,672; resnet50 25,557,032.
/// </summary>
public static class ResNet
{
    /// <summary>Builds a ResNet (see the type's summary).</summary>
    /// <param name="depth">18, 34, 50, 101 or 152.</param>
    /// <param name="channels">C of the input images [C, H, W].</param>
    /// <param name="classes">The number of output classes (the logits [N, classes]).</param>
    /// <param name="groups">The groups of the bottleneck's 3×3 convolution (ResNeXt's cardinality; 1 for ResNet).</param>
    /// <param name="widthPerGroup">The bottleneck width per group, per 64 output channels of the stage (64 for ResNet).</param>
    /// <param name="seReduction">The squeeze-excite reduction r; 0 for no squeeze-excite.</param>
    /// <returns>A new network taking [N, C, H, W] and giving [N, classes] logits.</returns>
    public static Sequential Build(int depth = 50, int channels = 3, int classes = 1000, int groups = 1, int widthPerGroup = 64,
        int seReduction = 0)
    {
        var (bottleneck, blocks) = depth switch
        {
            18 => (false, new[] { 2, 2, 2, 2 }),
            34 => (false, [3, 4, 6, 3]),
            50 => (true, [3, 4, 6, 3]),
            101 => (true, [3, 4, 23, 3]),
            152 => (true, [3, 8, 36, 3]),
            _ => throw new ArgumentException($"depth must be 18, 34, 50, 101 or 152; {depth} was given.", nameof(depth)),
        };
        if (!bottleneck && (groups != 1 || widthPerGroup != 64))
            throw new ArgumentException($"ResNet-{depth} uses basic blocks, which take only groups = 1 and widthPerGroup = 64.", nameof(groups));
        int expansion = bottleneck ? 4 : 1;
        var layers = new List<Layer>
        {
            new Conv2dLayer("conv1", channels, 64, 7, 2, padding: 3, bias: false),
            new BatchNorm2dLayer("bn1", 64),
            new ActivationLayer("relu", new ReLU()),
            new MaxPool2dLayer("maxpool", 3, 2, padding: 1),
        };
        int inChannels = 64;
        for (int stage = 0; stage < 4; stage++)
        {
            var stageBlocks = new Layer[blocks[stage]];
            int outChannels = (64 << stage) * expansion;
            for (int b = 0; b < stageBlocks.Length; b++)
            {
                string name = $"layer{stage + 1}.{b}";
                int stride = stage > 0 && b == 0 ? 2 : 1;
                var se = seReduction > 0
                    ? ConvBlocks.SqueezeExcite($"{name}.se", outChannels, outChannels / seReduction, () => new ReLU())
                    : null;
                stageBlocks[b] = bottleneck
                    ? ResNetBlocks.Bottleneck(name, inChannels, outChannels, stride, groups, widthPerGroup, se)
                    : ResNetBlocks.Basic(name, inChannels, outChannels, stride, se);
                inChannels = outChannels;
            }
            layers.Add(new Sequential($"layer{stage + 1}", stageBlocks));
        }
        layers.Add(new GlobalAvgPoolLayer("avgpool"));
        layers.Add(new FlattenLayer("flatten"));
        layers.Add(new DenseLayer("fc", inChannels, classes));
        string family = seReduction > 0 ? "seresnet" : groups > 1 ? "resnext" : "resnet";
        return new Sequential($"{family}{depth}", [.. layers]);
    }
}

/// <summary>
/// ResNeXt (Xie et al., 2017): ResNet bottlenecks whose 3×3 convolution has <c>cardinality</c> groups of
/// <c>widthPerGroup</c> channels (per 64 output channels of the stage). resnext50_32x4d: 25,028,904 parameters.
/// </summary>
public static class ResNeXt
{
    /// <summary>Builds a ResNeXt (see the type's summary).</summary>
    /// <param name="depth">50, 101 or 152.</param>
    /// <param name="cardinality">The groups of each bottleneck's 3×3 convolution.</param>
    /// <param name="widthPerGroup">The channels per group, per 64 output channels of the stage.</param>
    /// <param name="channels">C of the input images [C, H, W].</param>
    /// <param name="classes">The number of output classes (the logits [N, classes]).</param>
    /// <returns>A new network taking [N, C, H, W] and giving [N, classes] logits.</returns>
    public static Sequential Build(int depth = 50, int cardinality = 32, int widthPerGroup = 4, int channels = 3, int classes = 1000) =>
        ResNet.Build(depth, channels, classes, cardinality, widthPerGroup);
}

/// <summary>
/// SE-ResNet (Hu et al., 2018): every residual block's body ends with squeeze-excite (C → C/r → C, 1×1 convolutions with
/// bias, ReLU, sigmoid) before the addition. SE-ResNet-18 with r = 16: 11,778,592 parameters at 3 channels, 1000 classes
/// (ResNet-18's 11,689,512 plus Σ over its 8 blocks of 2·C²/16 + C/16 + C = 89,080).
/// </summary>
public static class SeResNet
{
    /// <summary>Builds an SE-ResNet (see the type's summary).</summary>
    /// <param name="depth">18, 34, 50, 101 or 152.</param>
    /// <param name="reduction">r: the squeeze-excite bottleneck has C/r channels.</param>
    /// <param name="channels">C of the input images [C, H, W].</param>
    /// <param name="classes">The number of output classes (the logits [N, classes]).</param>
    /// <returns>A new network taking [N, C, H, W] and giving [N, classes] logits.</returns>
    public static Sequential Build(int depth = 18, int reduction = 16, int channels = 3, int classes = 1000) =>
        ResNet.Build(depth, channels, classes, seReduction: reduction);
}
