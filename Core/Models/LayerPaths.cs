using MLNet.Cnn.Layers;
using MLNet.Cnn.Tensors;

namespace MLNet.Cnn.Models;

/// <summary>
/// Names the layers inside a network, e.g. to choose the layer a featurizer cuts at. A layer's <b>path</b> is the names
/// of the layers from the root's children down to it, joined by '/' (the root itself has no path): in
/// <c>Sequential("net", Sequential("block1", conv "conv", …), Sequential("block2", conv "conv", …))</c> the two
/// convolutions are "block1/conv" and "block2/conv". A layer can also be named by its plain <see cref="Layer.Name"/>
/// when no other layer of the network has that name, as in the built-in architectures, whose names are already
/// qualified the way torchvision's are ("layer2.0.conv1" in <see cref="ResNetSmall"/>).
/// </summary>
public static class LayerPaths
{
    /// <summary>Separates the names of nested layers in a path ("block2/conv").</summary>
    public const char Separator = '/';

    /// <summary>
    /// Every layer below the root, each before its children, in forward order, with its output shape for one image of
    /// the model's input shape (the batch axis left out).
    /// </summary>
    public static IReadOnlyList<LayerInfo> List(CnnModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return [.. WithInputs(model.Network, model.InputShape).Select(l => l.Info)];
    }

    /// <summary>
    /// The layers of <see cref="List"/> for a bare network and an image shape (no batch axis), each with its input shape
    /// for one image as well (no batch axis).
    /// </summary>
    internal static List<(LayerInfo Info, TensorShape Input)> WithInputs(Layer network, TensorShape image)
    {
        ArgumentNullException.ThrowIfNull(network);
        var layers = new List<(LayerInfo, TensorShape)>();
        AddChildren(network, "", new TensorShape([1, .. image.Dimensions]), layers);
        return layers;
    }

    /// <summary>
    /// The layer named <paramref name="name"/>: the layer with that path, or else the only layer with that plain name.
    /// An unknown name, or one several layers share, gives an <see cref="ArgumentException"/> that lists the layers.
    /// </summary>
    public static LayerInfo Find(CnnModel model, string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        var layers = List(model);
        var matches = Matching(layers, name, l => l.Path, l => l.Layer);
        return matches.Count switch
        {
            1 => matches[0],
            0 => throw new ArgumentException(
                $"The network '{model.Network.Name}' has no layer '{name}'. Name a layer by its path or, when no other layer " +
                $"has that name, by its plain name. Its layers (path, type, output shape for one image): {Describe(layers)}.", nameof(name)),
            _ => throw new ArgumentException(
                $"{matches.Count} layers of the network '{model.Network.Name}' are named '{name}'; name one by its path: {Describe(matches)}.", nameof(name)),
        };
    }

    /// <summary>
    /// Every layer below the root with its path, each before its children, in the order of <see cref="List"/>; unlike
    /// <see cref="List"/> it needs no input shape, so it takes a bare network.
    /// </summary>
    public static IEnumerable<(string Path, Layer Layer)> Walk(Layer network)
    {
        ArgumentNullException.ThrowIfNull(network);
        return Below(network, "");

        static IEnumerable<(string, Layer)> Below(Layer parent, string prefix) =>
            parent.Children.SelectMany(child => Below(child, prefix + child.Name + Separator).Prepend((prefix + child.Name, child)));
    }

    /// <summary>The naming rule of <see cref="Find"/>: the layer with path <paramref name="name"/>, or else every layer with that plain name.</summary>
    internal static List<T> Matching<T>(IReadOnlyList<T> layers, string name, Func<T, string> path, Func<T, Layer> layer)
    {
        var byPath = layers.Where(l => path(l) == name).ToList();
        return byPath.Count > 0 ? byPath : layers.Where(l => layer(l).Name == name).ToList();
    }

    // The routing of the composite layers: a Sequential feeds each child the previous child's output; the others
    // (Residual, Branches, Gate) give every child the composite's own input. An imported ONNX network routes values by
    // name through its graph, so it is listed as one layer, without its inner layers.
    private static void AddChildren(Layer parent, string prefix, TensorShape input, List<(LayerInfo, TensorShape)> layers)
    {
        foreach (var child in parent.Children)
        {
            var output = child.OutputShape(input);
            string path = prefix + child.Name;
            layers.Add((new LayerInfo(path, child, WithoutBatch(output)), WithoutBatch(input)));
            if (child is not Onnx.OnnxNetwork) AddChildren(child, path + Separator, input, layers);
            if (parent is Sequential) input = output;
        }
    }

    /// <summary>The shape with its first (batch) axis left out.</summary>
    internal static TensorShape WithoutBatch(TensorShape shape) => new(shape.Dimensions[1..].ToArray());

    private static string Describe(IEnumerable<LayerInfo> layers) => string.Join(", ", layers);
}

/// <summary>A layer of a network as <see cref="LayerPaths"/> lists it, with its output shape for one image (no batch axis).</summary>
public sealed record LayerInfo(string Path, Layer Layer, TensorShape OutputShape)
{
    /// <summary>The number of values the layer gives per image: the length of the feature vector cut after it.</summary>
    public int FeatureCount => OutputShape.Length;

    /// <inheritdoc/>
    public override string ToString() => $"{Path} ({Layer.GetType().Name}) {OutputShape}";
}
