using MLNet.Cnn.Kernels;
using MLNet.Cnn.Layers;

namespace MLNet.Cnn.Models;

/// <summary>
/// DenseNet-BC (Huang et al., 2017) as torchvision builds it: conv7×7/2 → BN → ReLU → max-pool 3×3/2, dense blocks
/// whose layers (BN → ReLU → conv1×1 to bnSize·growth → BN → ReLU → conv3×3 to growth, no biases) each append their
/// maps to the input (<see cref="Branches"/> of <see cref="Identity"/> and the layer), transitions (BN → ReLU →
/// conv1×1 halving the maps → avg-pool 2×2) between blocks, then BN → ReLU → global average pooling → dense.
/// Depth 121 (blocks 6-12-24-16, growth 32): 7,978,856 parameters at 3 channels, 1000 classes; 161, 169, 201 too.
/// Input at least 32×32.
/// </summary>
public static class DenseNet
{
    /// <summary>Builds DenseNet-BC (see the type's summary).</summary>
    /// <param name="depth">121, 161, 169 or 201: torchvision's configurations (growth, blocks and initial features), unless given below.</param>
    /// <param name="channels">C of the input images [C, H, W].</param>
    /// <param name="classes">The number of output classes (the logits [N, classes]).</param>
    /// <param name="growthRate">The maps each dense layer adds; null for the depth's value.</param>
    /// <param name="blocks">The layers of each dense block; null for the depth's value.</param>
    /// <param name="initialFeatures">The stem's maps; null for the depth's value.</param>
    /// <param name="bnSize">The bottleneck factor: each layer's 1×1 convolution gives bnSize·growth maps.</param>
    /// <returns>A new network taking [N, C, H, W] and giving [N, classes] logits.</returns>
    public static Sequential Build(int depth = 121, int channels = 3, int classes = 1000, int? growthRate = null, int[]? blocks = null,
        int? initialFeatures = null, int bnSize = 4)
    {
        var (defaultGrowth, defaultBlocks, defaultInitial) = depth switch
        {
            121 => (32, new[] { 6, 12, 24, 16 }, 64),
            161 => (48, [6, 12, 36, 24], 96),
            169 => (32, [6, 12, 32, 32], 64),
            201 => (32, [6, 12, 48, 32], 64),
            _ => throw new ArgumentException($"depth must be 121, 161, 169 or 201; {depth} was given.", nameof(depth)),
        };
        int growth = growthRate ?? defaultGrowth, features = initialFeatures ?? defaultInitial;
        blocks ??= defaultBlocks;
        var layers = new List<Layer>
        {
            new Conv2dLayer("features.conv0", channels, features, 7, 2, padding: 3, bias: false),
            new BatchNorm2dLayer("features.norm0", features),
            new ActivationLayer("features.relu0", new ReLU()),
            new MaxPool2dLayer("features.pool0", 3, 2, padding: 1),
        };
        for (int b = 0; b < blocks.Length; b++)
        {
            var block = new Layer[blocks[b]];
            for (int i = 0; i < block.Length; i++)
            {
                block[i] = DenseBlockLayer($"features.denseblock{b + 1}.denselayer{i + 1}", features, growth, bnSize);
                features += growth;
            }
            layers.Add(new Sequential($"features.denseblock{b + 1}", block));
            if (b == blocks.Length - 1) break;
            string t = $"features.transition{b + 1}";
            layers.Add(new Sequential(t,
                new BatchNorm2dLayer($"{t}.norm", features),
                new ActivationLayer($"{t}.relu", new ReLU()),
                new Conv2dLayer($"{t}.conv", features, features / 2, 1, bias: false),
                new AvgPool2dLayer($"{t}.pool", 2, 2)));
            features /= 2;
        }
        layers.Add(new BatchNorm2dLayer("features.norm5", features));
        layers.Add(new ActivationLayer("features.relu5", new ReLU()));
        layers.Add(new GlobalAvgPoolLayer("avgpool"));
        layers.Add(new FlattenLayer("flatten"));
        layers.Add(new DenseLayer("classifier", features, classes));
        return new Sequential($"densenet{depth}", [.. layers]);
    }

    /// <summary>y = concat(x, BN → ReLU → conv1×1 → BN → ReLU → conv3×3 (x)): inChannels + growth maps out.</summary>
    public static Layer DenseBlockLayer(string name, int inChannels, int growth, int bnSize) =>
        new Branches(name,
            new Identity($"{name}.input"),
            new Sequential($"{name}.new",
                new BatchNorm2dLayer($"{name}.norm1", inChannels),
                new ActivationLayer($"{name}.relu1", new ReLU()),
                new Conv2dLayer($"{name}.conv1", inChannels, bnSize * growth, 1, bias: false),
                new BatchNorm2dLayer($"{name}.norm2", bnSize * growth),
                new ActivationLayer($"{name}.relu2", new ReLU()),
                new Conv2dLayer($"{name}.conv2", bnSize * growth, growth, 3, padding: 1, bias: false)));
}
