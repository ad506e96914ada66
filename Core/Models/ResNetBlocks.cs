using MLNet.Cnn.Kernels;
using MLNet.Cnn.Layers;

namespace MLNet.Cnn.Models;

/// <summary>
/// The residual blocks of He et al. (2016), as torchvision builds them: convolutions without bias, each
/// followed by batch norm; the shortcut is a 1×1 strided convolution + batch norm when the shape changes.
/// </summary>
public static class ResNetBlocks
{
    /// <summary>
    /// conv3×3 → BN → ReLU → conv3×3 → BN (→ <paramref name="attention"/>, e.g. squeeze-excite), plus the shortcut,
    /// then ReLU (expansion 1).
    /// </summary>
    public static Layer Basic(string name, int inChannels, int outChannels, int stride = 1, Layer? attention = null)
    {
        var body = Body($"{name}.body",
            new Conv2dLayer($"{name}.conv1", inChannels, outChannels, 3, stride, padding: 1, bias: false),
            new BatchNorm2dLayer($"{name}.bn1", outChannels),
            new ActivationLayer($"{name}.relu1", new ReLU()),
            new Conv2dLayer($"{name}.conv2", outChannels, outChannels, 3, padding: 1, bias: false),
            new BatchNorm2dLayer($"{name}.bn2", outChannels),
            attention);
        return new Sequential(name,
            new Residual($"{name}.residual", body, Shortcut(name, inChannels, outChannels, stride)),
            new ActivationLayer($"{name}.relu", new ReLU()));
    }

    /// <summary>
    /// conv1×1 (width) → BN → ReLU → conv3×3 (width, stride, groups) → BN → ReLU → conv1×1 (outChannels) → BN,
    /// plus the shortcut, then ReLU; width = outChannels / 4 · baseWidth / 64 · groups (torchvision's Bottleneck,
    /// stride on the 3×3 as in ResNet v1.5; groups > 1 gives ResNeXt); <paramref name="attention"/> (squeeze-excite)
    /// acts on the body's output before the addition.
    /// </summary>
    public static Layer Bottleneck(string name, int inChannels, int outChannels, int stride = 1, int groups = 1, int baseWidth = 64,
        Layer? attention = null)
    {
        int width = outChannels / 4 * baseWidth / 64 * groups;
        var body = Body($"{name}.body",
            new Conv2dLayer($"{name}.conv1", inChannels, width, 1, bias: false),
            new BatchNorm2dLayer($"{name}.bn1", width),
            new ActivationLayer($"{name}.relu1", new ReLU()),
            new Conv2dLayer($"{name}.conv2", width, width, 3, stride, padding: 1, groups: groups, bias: false),
            new BatchNorm2dLayer($"{name}.bn2", width),
            new ActivationLayer($"{name}.relu2", new ReLU()),
            new Conv2dLayer($"{name}.conv3", width, outChannels, 1, bias: false),
            new BatchNorm2dLayer($"{name}.bn3", outChannels),
            attention);
        return new Sequential(name,
            new Residual($"{name}.residual", body, Shortcut(name, inChannels, outChannels, stride)),
            new ActivationLayer($"{name}.relu", new ReLU()));
    }

    /// <summary>A Sequential of the given layers, skipping a null (absent optional) one.</summary>
    private static Sequential Body(string name, params Layer?[] layers) => new(name, [.. layers.OfType<Layer>()]);

    private static Layer? Shortcut(string name, int inChannels, int outChannels, int stride) =>
        stride == 1 && inChannels == outChannels ? null : new Sequential($"{name}.downsample",
            new Conv2dLayer($"{name}.downsample.conv", inChannels, outChannels, 1, stride, bias: false),
            new BatchNorm2dLayer($"{name}.downsample.bn", outChannels));
}
