using MLNet.Cnn.Layers;
using MLNet.Cnn.Models;
using MLNet.Cnn.Tensors;

namespace MLNet.Cnn.Detection;

/// <summary>
/// Sliding windows as a convolution (Sermanet et al., "OverFeat", 2014): a classifier trained on windows of its input size,
/// run over a larger image in one pass instead of once per window. Its dense head becomes convolutions: the first dense
/// layer after the flatten a convolution whose kernel covers the feature map of one window ([K, C·h·w] read as
/// [K, C, h, w], the flatten's order), each later dense layer a 1×1 convolution, and a global pooling before the flatten a
/// pooling over one window's feature map. On an image [N, C, H, W] the network gives class scores [N, K, H′, W′]: position
/// (i, j) is the classifier's output for the window whose top-left corner is (i·<see cref="Stride"/>, j·<see cref="Stride"/>).
/// It is exactly that where the feature layers have no padding; with padding, a window inside a larger image sees its
/// neighbours where the classifier saw zeros, as in the paper.
/// </summary>
public sealed class SlidingWindowClassifier
{
    private SlidingWindowClassifier(Sequential network, TensorShape window, (int H, int W) stride)
    {
        Network = network;
        Window = window;
        Stride = stride;
    }

    /// <summary>The convolutional network: [N, C, H, W] (H, W at least the window's) → [N, K, H′, W′].</summary>
    public Sequential Network { get; }

    /// <summary>One window, [C, h, w]: the classifier's input shape.</summary>
    public TensorShape Window { get; }

    /// <summary>The step between neighbouring windows, in input pixels: the product of the feature layers' strides.</summary>
    public (int H, int W) Stride { get; }

    /// <summary>
    /// The classifier <paramref name="model"/> run convolutionally. Its network (nested <see cref="Sequential"/>s are
    /// read as one chain) must be feature layers, then an optional global pooling, a flatten, and a head of dense layers,
    /// activations and dropout (dropout is left out: the map is for inference). The model is copied, never changed.
    /// </summary>
    public static SlidingWindowClassifier From(CnnModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        using var file = new MemoryStream();
        ModelFile.Save(model, file);
        file.Position = 0;
        var chain = Chain(ModelFile.Load(file, model.Network.Name).Network).ToList();

        int flatten = chain.FindIndex(l => l is FlattenLayer);
        if (flatten < 0) throw Refusal(model, "it has no flatten before a dense head");
        int featureEnd = flatten > 0 && chain[flatten - 1] is GlobalAvgPoolLayer or GlobalMaxPoolLayer ? flatten - 1 : flatten;
        var features = chain.Take(featureEnd).ToArray();
        var window = model.InputShape;
        var featureShape = new Sequential("features", features).OutputShape(new TensorShape([1, .. window.Dimensions]));
        int channels = featureShape[1], h = featureShape[2], w = featureShape[3];

        var layers = new List<Layer>(features);
        if (featureEnd < flatten)
            layers.Add(chain[featureEnd] is GlobalAvgPoolLayer
                ? new AvgPool2dLayer(chain[featureEnd].Name, (h, w), (1, 1))
                : new MaxPool2dLayer(chain[featureEnd].Name, (h, w), (1, 1)));
        bool first = true;
        foreach (var layer in chain.Skip(flatten + 1))
        {
            switch (layer)
            {
                case DenseLayer dense:
                    // The first dense layer reads the flattened [C, h, w] features (h = w = 1 after a global pooling).
                    var (kh, kw) = first && featureEnd == flatten ? (h, w) : (1, 1);
                    layers.Add(AsConvolution(dense, dense.InFeatures / (kh * kw), kh, kw));
                    channels = dense.OutFeatures;
                    first = false;
                    break;
                case ActivationLayer:
                    layers.Add(layer); // point-wise: the same on [N, K] and [N, K, H′, W′]
                    break;
                case DropoutLayer:
                    break;
                case SoftmaxLayer softmax when softmax.Axis == 1 || softmax.Axis == -1:
                    layers.Add(new SoftmaxLayer(softmax.Name, 1, softmax.Log)); // over the classes, at every position
                    break;
                default:
                    throw Refusal(model, $"its head holds {layer.Name} ({layer.GetType().Name}); only dense layers, activations, dropout and softmax are supported there");
            }
        }
        if (first) throw Refusal(model, "it has no dense layer after its flatten");
        return new SlidingWindowClassifier(new Sequential(model.Network.Name + ".windows", [.. layers]), window, StrideOf(features, window));
    }

    /// <summary>The class scores of every window of <paramref name="images"/> [N, C, H, W]: [N, K, H′, W′].</summary>
    public Tensor Scores(Tensor images)
    {
        ArgumentNullException.ThrowIfNull(images);
        if (images.Shape.Rank != 4 || images.Shape[1] != Window[0] || images.Shape[2] < Window[1] || images.Shape[3] < Window[2])
            throw new ArgumentException($"The images are {images.Shape}; expected [N, {Window[0]}, H, W] with H ≥ {Window[1]} and W ≥ {Window[2]}.", nameof(images));
        return Network.Forward(images, training: false);
    }

    /// <summary>The top-left corner (y, x), in input pixels, of the window scored at map position (i, j).</summary>
    public (int Y, int X) WindowAt(int i, int j) => (i * Stride.H, j * Stride.W);

    // Dense [K, C·kh·kw] → convolution C → K of a kh×kw kernel: the flatten's [C, h, w] order is the kernel's.
    private static Conv2dLayer AsConvolution(DenseLayer dense, int channels, int kh, int kw)
    {
        var conv = new Conv2dLayer(dense.Name, channels, dense.OutFeatures, kh, kw, 1, 1, ConvPadding.Valid, bias: dense.Bias is not null);
        dense.Weight.Value.Span.CopyTo(conv.Weight.Value.Span);
        dense.Bias?.Value.Span.CopyTo(conv.Bias!.Value.Span);
        return conv;
    }

    /// <summary>
    /// How far the window moves per map position: the smallest growth of the input that grows the feature map by one,
    /// per axis (the product of the strides, for a chain of convolutions and poolings).
    /// </summary>
    private static (int H, int W) StrideOf(Layer[] features, TensorShape window)
    {
        var chain = new Sequential("features", features);
        int Size(int height, int width, int axis) => chain.OutputShape(new TensorShape(1, window[0], height, width))[axis];
        int Along(int axis)
        {
            int at = window[axis - 1], baseline = Size(window[1], window[2], axis);
            for (int grow = 1; grow <= at; grow++)
                if (Size(window[1] + (axis == 2 ? grow : 0), window[2] + (axis == 3 ? grow : 0), axis) > baseline) return grow;
            throw new InvalidOperationException($"The feature map does not grow with the input along axis {axis}; the classifier cannot slide.");
        }
        return (Along(2), Along(3));
    }

    /// <summary>The layers of <paramref name="layer"/> in forward order, nested sequences opened.</summary>
    private static IEnumerable<Layer> Chain(Layer layer) =>
        layer is Sequential sequence ? sequence.Children.SelectMany(Chain) : [layer];

    private static ArgumentException Refusal(CnnModel model, string why) =>
        new($"The network '{model.Network.Name}' cannot run as sliding windows: {why}.", nameof(model));
}
