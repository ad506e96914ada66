using MLNet.Cnn.Kernels;
using MLNet.Cnn.Layers;

namespace MLNet.Cnn.Models;

/// <summary>
/// ShuffleNet v2 (Ma et al., 2018) as torchvision builds it: conv3×3/2 → max-pool 3×3/2 → three stages of 4, 8, 4
/// units → conv1×1 → global average pooling → dense. A stride-1 unit splits the channels in halves (two
/// <see cref="ChannelSlice"/>s under <see cref="Branches"/>), passes the first through and sends the second into
/// 1×1 → dw3×3 → 1×1; a stride-2 unit feeds the whole input to both branches; both end with a channel shuffle of
/// 2 groups. Width 0.5, 1.0, 1.5 or 2.0 picks torchvision's stage widths. shufflenet_v2_x1_0: 2,278,604 parameters at
/// 3 channels, 1000 classes. Input at least 32×32.
/// </summary>
public static class ShuffleNetV2
{
    /// <summary>
    /// The network for images of <paramref name="channels"/>×<paramref name="height"/>×<paramref name="width"/> and
    /// <paramref name="classes"/> classes, every other argument at its default: the argument order of the CNN trainers'
    /// <c>Network</c> delegate, so <c>Network = ShuffleNetV2.Build</c> works. The network ends in global average pooling: any size it can downsample is taken, a smaller one is refused. Like every builder here, it leaves the
    /// weights at zero; the trainers fill them (<c>Initializer.Initialize</c> with their seed), a direct user calls it.
    /// </summary>
    /// <param name="channels">The input channels.</param>
    /// <param name="height">The input height.</param>
    /// <param name="width">The input width.</param>
    /// <param name="classes">The outputs.</param>
    public static Sequential Build(int channels, int height, int width, int classes) =>
        InputSize.Checked(Build(channels, classes), channels, height, width);

    /// <summary>Builds ShuffleNet v2 (see the type's summary).</summary>
    /// <param name="channels">C of the input images [C, H, W].</param>
    /// <param name="classes">The number of output classes (the logits [N, classes]).</param>
    /// <param name="width">0.5, 1.0, 1.5 or 2.0: torchvision's stage widths of that multiplier.</param>
    /// <returns>A new network taking [N, C, H, W] and giving [N, classes] logits.</returns>
    public static Sequential Build(int channels = 3, int classes = 1000, double width = 1.0)
    {
        int[] maps = width switch
        {
            0.5 => [24, 48, 96, 192, 1024],
            1.0 => [24, 116, 232, 464, 1024],
            1.5 => [24, 176, 352, 704, 1024],
            2.0 => [24, 244, 488, 976, 2048],
            _ => throw new ArgumentException($"width must be 0.5, 1.0, 1.5 or 2.0; {width} was given.", nameof(width)),
        };
        int[] repeats = [4, 8, 4];
        var layers = new List<Layer>
        {
            ConvBlocks.ConvBnAct("conv1", channels, maps[0], 3, 2, activation: () => new ReLU()),
            new MaxPool2dLayer("maxpool", 3, 2, padding: 1),
        };
        int inChannels = maps[0];
        for (int stage = 0; stage < repeats.Length; stage++)
        {
            var units = new Layer[repeats[stage]];
            for (int i = 0; i < units.Length; i++)
            {
                units[i] = Unit($"stage{stage + 2}.{i}", inChannels, maps[stage + 1], i == 0 ? 2 : 1);
                inChannels = maps[stage + 1];
            }
            layers.Add(new Sequential($"stage{stage + 2}", units));
        }
        layers.Add(ConvBlocks.ConvBnAct("conv5", inChannels, maps[4], 1, activation: () => new ReLU()));
        layers.Add(new GlobalAvgPoolLayer("avgpool"));
        layers.Add(new FlattenLayer("flatten"));
        layers.Add(new DenseLayer("fc", maps[4], classes));
        return new Sequential("shufflenet_v2", [.. layers]);
    }

    /// <summary>torchvision's InvertedResidual of ShuffleNet v2: concat(branch1 or the first half, branch2) → shuffle(2).</summary>
    public static Layer Unit(string name, int inChannels, int outChannels, int stride)
    {
        int half = outChannels / 2;
        Func<Activation> relu = () => new ReLU();
        Layer left, right;
        var branch2 = new Sequential($"{name}.branch2",
            ConvBlocks.ConvBnAct($"{name}.branch2.0", stride > 1 ? inChannels : half, half, 1, activation: relu),
            ConvBlocks.ConvBnAct($"{name}.branch2.1", half, half, 3, stride, half),
            ConvBlocks.ConvBnAct($"{name}.branch2.2", half, half, 1, activation: relu));
        if (stride > 1)
        {
            left = new Sequential($"{name}.branch1",
                ConvBlocks.ConvBnAct($"{name}.branch1.0", inChannels, inChannels, 3, stride, inChannels),
                ConvBlocks.ConvBnAct($"{name}.branch1.1", inChannels, half, 1, activation: relu));
            right = branch2;
        }
        else
        {
            if (inChannels != outChannels)
                throw new ArgumentException($"A stride-1 unit keeps its width; {inChannels} → {outChannels} was asked.", nameof(outChannels));
            left = new ChannelSlice($"{name}.x1", 0, half);
            right = new Sequential($"{name}.x2", new ChannelSlice($"{name}.x2.slice", half, half), branch2);
        }
        return new Sequential(name, new Branches($"{name}.concat", left, right), new ChannelShuffleLayer($"{name}.shuffle", 2));
    }
}
