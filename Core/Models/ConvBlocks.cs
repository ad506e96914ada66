using MLNet.Cnn.Kernels;
using MLNet.Cnn.Layers;

namespace MLNet.Cnn.Models;

/// <summary>
/// The small recurring pieces of the architectures: convolution → batch norm → activation (torchvision's
/// Conv2dNormActivation, GoogLeNet's BasicConv2d) and squeeze-and-excitation (Hu et al., 2018).
/// </summary>
public static class ConvBlocks
{
    /// <summary>
    /// conv k×k (no bias, padding (k − 1)/2, stride, groups) → BN → activation, named "{name}.conv", "{name}.bn",
    /// "{name}.act"; no activation layer when <paramref name="activation"/> is null (MobileNet v2's linear projection).
    /// </summary>
    public static Sequential ConvBnAct(string name, int inChannels, int outChannels, int kernelSize, int stride = 1,
        int groups = 1, Func<Activation>? activation = null, float bnEpsilon = 1e-5f)
    {
        var conv = new Conv2dLayer($"{name}.conv", inChannels, outChannels, kernelSize, stride, padding: (kernelSize - 1) / 2,
            groups: groups, bias: false);
        var bn = new BatchNorm2dLayer($"{name}.bn", outChannels, epsilon: bnEpsilon);
        return activation is null
            ? new Sequential(name, conv, bn)
            : new Sequential(name, conv, bn, new ActivationLayer($"{name}.act", activation()));
    }

    /// <summary>
    /// Squeeze-and-excitation: x ⊙ σ(fc2(act(fc1(mean_{h,w} x)))), the two "fully connected" layers as 1×1
    /// convolutions with bias (channels → squeeze → channels), as torchvision's SqueezeExcitation.
    /// </summary>
    public static Gate SqueezeExcite(string name, int channels, int squeezeChannels, Func<Activation> activation) =>
        new(name, new Sequential($"{name}.gate",
            new GlobalAvgPoolLayer($"{name}.pool"),
            new Conv2dLayer($"{name}.fc1", channels, squeezeChannels, 1),
            new ActivationLayer($"{name}.act", activation()),
            new Conv2dLayer($"{name}.fc2", squeezeChannels, channels, 1),
            new ActivationLayer($"{name}.sigmoid", new Sigmoid())));

    /// <summary>
    /// torchvision's _make_divisible (from the TensorFlow MobileNet code): the multiple of <paramref name="divisor"/>
    /// nearest to <paramref name="value"/>, at least the divisor, and never more than 10 % below the value.
    /// </summary>
    public static int MakeDivisible(double value, int divisor = 8)
    {
        int rounded = Math.Max(divisor, (int)(value + divisor / 2.0) / divisor * divisor);
        return rounded < 0.9 * value ? rounded + divisor : rounded;
    }
}
