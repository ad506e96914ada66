using MLNet.Cnn.Kernels;
using MLNet.Cnn.Layers;

namespace MLNet.Cnn.Models;

/// <summary>
/// U-Net (Ronneberger et al., 2015) with "same" 3×3 convolutions, so the output has the input's size: an encoder of
/// double convolutions (conv3×3 → [BN] → ReLU, twice) doubling the width after each 2×2 max-pool, a decoder that
/// up-samples with a 2×2/2 transposed convolution halving the width, concatenates the encoder's maps of the same level
/// (skip first, by <see cref="Branches"/> of <see cref="Identity"/> and the deeper path) and applies a double
/// convolution, then a 1×1 convolution to per-pixel class scores [N, classes, H, W]. Built recursively: level ℓ is
/// double-conv → concat(skip, pool → level ℓ+1 → up) → double-conv. Height and width must be multiples of 2^depth.
/// Convolutions have a bias only without batch norm. depth 4, baseWidth 64, batch norm, 3 channels, 2 classes:
/// 31,037,698 parameters (by hand; the layout and count of milesial/Pytorch-UNet's UNet(3, 2, bilinear=False)).
/// </summary>
public static class UNet
{
    /// <summary>
    /// The network for images of <paramref name="channels"/>×<paramref name="height"/>×<paramref name="width"/> and
    /// <paramref name="classes"/> classes, every other argument at its default: the argument order of the CNN trainers'
    /// <c>Network</c> delegate, so <c>Network = UNet.Build</c> works. Height and width must be multiples of 16 (four halvings). Like every builder here, it leaves the
    /// weights at zero; the trainers fill them (<c>Initializer.Initialize</c> with their seed), a direct user calls it.
    /// </summary>
    /// <param name="channels">The input channels.</param>
    /// <param name="height">The input height.</param>
    /// <param name="width">The input width.</param>
    /// <param name="classes">The outputs.</param>
    public static Sequential Build(int channels, int height, int width, int classes) =>
        InputSize.Checked(Build(channels, classes), channels, height, width);

    /// <summary>Builds a U-Net (see the type's summary).</summary>
    /// <param name="channels">C of the input images [C, H, W].</param>
    /// <param name="classes">The number of classes scored per pixel, background included.</param>
    /// <param name="depth">The number of 2×2 poolings (levels below the top).</param>
    /// <param name="baseWidth">The width of the top level; each level down doubles it.</param>
    /// <param name="batchNorm">Batch norm after every 3×3 convolution (then without bias).</param>
    /// <returns>A new network taking [N, C, H, W] and giving [N, classes, H, W] scores.</returns>
    public static Sequential Build(int channels = 3, int classes = 2, int depth = 4, int baseWidth = 64, bool batchNorm = true)
    {
        if (depth < 1) throw new ArgumentException($"depth must be at least 1; {depth} was given.", nameof(depth));
        if (baseWidth < 1) throw new ArgumentException($"baseWidth must be positive; {baseWidth} was given.", nameof(baseWidth));
        return new Sequential("unet",
            Level(0, channels, baseWidth, depth, batchNorm),
            new Conv2dLayer("outc", baseWidth, classes, 1));
    }

    /// <summary>The part of the U at <paramref name="level"/> and below: [N, inChannels, H, W] → [N, width, H, W].</summary>
    private static Layer Level(int level, int inChannels, int width, int depth, bool batchNorm)
    {
        var encoder = DoubleConv($"down{level}", inChannels, width, batchNorm);
        if (level == depth) return encoder; // the bottom of the U
        var deeper = new Sequential($"down{level + 1}.path",
            new MaxPool2dLayer($"down{level + 1}.pool", 2),
            Level(level + 1, width, 2 * width, depth, batchNorm),
            new ConvTranspose2dLayer($"up{level + 1}.upconv", 2 * width, width, 2, 2));
        return new Sequential($"level{level}",
            encoder,
            new Branches($"up{level + 1}.concat", new Identity($"up{level + 1}.skip"), deeper),
            DoubleConv($"up{level + 1}", 2 * width, width, batchNorm));
    }

    /// <summary>(conv3×3 → [BN] → ReLU) × 2.</summary>
    public static Sequential DoubleConv(string name, int inChannels, int outChannels, bool batchNorm)
    {
        var layers = new List<Layer>();
        for (int i = 1; i <= 2; i++)
        {
            layers.Add(new Conv2dLayer($"{name}.conv{i}", i == 1 ? inChannels : outChannels, outChannels, 3, padding: 1, bias: !batchNorm));
            if (batchNorm) layers.Add(new BatchNorm2dLayer($"{name}.bn{i}", outChannels));
            layers.Add(new ActivationLayer($"{name}.relu{i}", new ReLU()));
        }
        return new Sequential(name, [.. layers]);
    }
}
