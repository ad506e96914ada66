using MLNet.Cnn.Kernels;
using MLNet.Cnn.Layers;
using MLNet.Cnn.Tensors;

namespace MLNet.Cnn.Models;

/// <summary>The dense heads of AlexNet and VGG, and the feature size they take.</summary>
internal static class Classifier
{
    /// <summary>
    /// C·H·W of the features for one channels×height×width image: the flattened size a dense head takes. torchvision
    /// puts an AdaptiveAvgPool2d before the head, the identity at 224×224 (AlexNet's 6×6, VGG's 7×7); here the head
    /// takes the features at whatever size they have, so other input sizes change the first dense layer.
    /// </summary>
    public static int FeatureSize(Layer features, int channels, int height, int width, string architecture)
    {
        try { return features.OutputShape(new TensorShape(1, channels, height, width)).SizeFrom(1); }
        catch (ArgumentException e)
        {
            throw new ArgumentException($"{architecture} cannot take {channels}×{height}×{width} images: {e.Message}", nameof(height), e);
        }
    }

    /// <summary>
    /// flatten → [dropout] → dense(hidden) → ReLU → [dropout] → dense(hidden) → ReLU → dense(classes); dropout first
    /// (AlexNet) or after each ReLU (VGG), named "classifier.{i}" in order as torchvision's indices.
    /// </summary>
    public static IEnumerable<Layer> Head(int features, int hidden, int classes, float dropout, int seed, bool dropoutFirst)
    {
        yield return new FlattenLayer("flatten");
        int index = 0;
        Layer Dropout() => new DropoutLayer($"classifier.{index++}", dropout, seed + index);
        if (dropoutFirst) yield return Dropout();
        yield return new DenseLayer($"classifier.{index++}", features, hidden);
        yield return new ActivationLayer($"classifier.{index++}", new ReLU());
        yield return Dropout();
        yield return new DenseLayer($"classifier.{index++}", hidden, hidden);
        yield return new ActivationLayer($"classifier.{index++}", new ReLU());
        if (!dropoutFirst) yield return Dropout();
        yield return new DenseLayer($"classifier.{index++}", hidden, classes);
    }
}
