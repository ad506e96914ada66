using MLNet.Cnn.Layers;
using MLNet.Cnn.Tensors;

namespace MLNet.Cnn.Models;

/// <summary>
/// The check behind the builders' <c>Build(channels, height, width, classes)</c> overloads — the argument order of the
/// ML.NET trainers' <c>Network</c> delegate, so that <c>Network = MobileNetV2.Build</c> works and
/// <c>MobileNetV2.Build(c, h, w, k)</c> means what it says. Those architectures end in global average pooling and take any
/// image size they can downsample; a size they cannot is refused here, with the network's own message.
/// </summary>
internal static class InputSize
{
    public static Sequential Checked(Sequential network, int channels, int height, int width)
    {
        if (channels <= 0 || height <= 0 || width <= 0)
            throw new ArgumentException($"{network.Name}: channels, height and width must be positive; {channels}×{height}×{width} was given.", nameof(height));
        try { network.OutputShape(new TensorShape(1, channels, height, width)); }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            throw new ArgumentException($"{network.Name} cannot take {channels}×{height}×{width} images: {e.Message}", nameof(height), e);
        }
        return network;
    }
}
