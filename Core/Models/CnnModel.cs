using MLNet.Cnn.Layers;
using MLNet.Cnn.Tensors;

namespace MLNet.Cnn.Models;

/// <summary>
/// A trained network with what it takes to use it: the input it expects (one image [C, H, W]), the class
/// names of its outputs and the per-channel normalization its inputs get (x − mean) / std. Saved and loaded by
/// <see cref="ModelFile"/>. A classifier's output is [N, K], one score per class name; a dense output [N, C, H', W'] (a
/// segmentation network's per-pixel scores, a detector's grid) may carry any class names: what its channels mean is the
/// task's (for export, <see cref="Onnx.OnnxTaskMetadata"/> says).
/// </summary>
public sealed class CnnModel
{
    /// <summary>Bundles a network with its input shape, class names and normalization; throws an <see cref="ArgumentException"/> when they do not fit the network (a classifier's output count differs from the class names, the normalization has another channel count).</summary>
    /// <param name="network">The network, taking [N, C, H, W].</param>
    /// <param name="inputShape">One image [C, H, W].</param>
    /// <param name="classNames">The names of the output classes, in output order (may be empty).</param>
    /// <param name="normalization">Per-channel (x − mean) / std applied to inputs; null for none.</param>
    public CnnModel(Layer network, TensorShape inputShape, IReadOnlyList<string> classNames, Normalization? normalization = null)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(classNames);
        if (inputShape.Rank != 3)
            throw new ArgumentException($"inputShape is one image [C, H, W]; {inputShape} was given.", nameof(inputShape));
        var output = network.OutputShape(new TensorShape(1, inputShape[0], inputShape[1], inputShape[2]));
        // A vector of logits has one per class; a map [1, channels, h, w] (per-pixel class scores, a detection head's
        // fields per anchor and cell) is not checked against the names.
        if (classNames.Count > 0 && (output.Rank is not (2 or 4) || output.Rank == 2 && output[1] != classNames.Count))
            throw new ArgumentException(
                $"The network gives {output} for one {inputShape} image, but {classNames.Count} class names were given.", nameof(classNames));
        normalization ??= Normalization.None(inputShape[0]);
        if (normalization.Mean.Count != inputShape[0])
            throw new ArgumentException(
                $"The normalization has {normalization.Mean.Count} channels; the input {inputShape} has {inputShape[0]}.", nameof(normalization));
        Network = network;
        InputShape = inputShape;
        ClassNames = classNames;
        Normalization = normalization;
    }

    /// <summary>The network.</summary>
    public Layer Network { get; }
    /// <summary>One input image [C, H, W].</summary>
    public TensorShape InputShape { get; }
    /// <summary>The class names, in output order.</summary>
    public IReadOnlyList<string> ClassNames { get; }
    /// <summary>The per-channel normalization inputs get before the network.</summary>
    public Normalization Normalization { get; }
}

/// <summary>Per-channel input normalization x' = (x − mean[c]) / std[c].</summary>
public sealed record Normalization(IReadOnlyList<float> Mean, IReadOnlyList<float> Std)
{
    /// <summary>The identity for <paramref name="channels"/> channels: mean 0, std 1.</summary>
    public static Normalization None(int channels) => new(Enumerable.Repeat(0f, channels).ToArray(), Enumerable.Repeat(1f, channels).ToArray());

    /// <summary>target[c, k] = (image[c, k] − mean[c]) / std[c] over one image [C, H, W] of these channels (target may be image).</summary>
    public void Apply(ReadOnlySpan<float> image, Span<float> target)
    {
        int channels = Mean.Count, plane = image.Length / channels;
        for (int c = 0; c < channels; c++)
        {
            var output = target.Slice(c * plane, plane);
            System.Numerics.Tensors.TensorPrimitives.Subtract(image.Slice(c * plane, plane), Mean[c], output);
            System.Numerics.Tensors.TensorPrimitives.Divide(output, Std[c], output);
        }
    }
}
