using MLNet.Cnn.Layers;
using MLNet.Cnn.Models;
using MLNet.Cnn.Onnx;
using MLNet.Cnn.Tensors;

namespace MLNet.Cnn.Explain;

/// <summary>
/// A named layer of a model and the way to it: each composite from the root down, with the position among its children of
/// the next layer on the way. What reaches the layer follows <see cref="LayerPaths"/>' routing: a child of a
/// <see cref="Sequential"/> gets the previous child's output, the children of any other composite (<see cref="Residual"/>,
/// <see cref="Branches"/>, <see cref="Gate"/>) get the composite's own input.
/// </summary>
internal sealed class LayerRoute
{
    private readonly (Layer Parent, int Index)[] _steps;

    private LayerRoute(CnnModel model, LayerInfo target, (Layer, int)[] steps) => (Model, Target, _steps) = (model, target, steps);

    /// <summary>The model the layer belongs to.</summary>
    public CnnModel Model { get; }

    /// <summary>The layer, its path and its output shape for one image.</summary>
    public LayerInfo Target { get; }

    /// <summary>Whether every composite on the way is a <see cref="Sequential"/>, so that the rest of the network after the layer is a plain chain.</summary>
    public bool ThroughSequentialsOnly => _steps.All(s => s.Parent is Sequential);

    /// <summary>
    /// The layer named <paramref name="name"/> (a path or a plain name, as <see cref="LayerPaths.Find"/> takes it); an
    /// ArgumentException when there is none, or when the name belongs to a layer inside an imported ONNX graph.
    /// </summary>
    public static LayerRoute To(CnnModel model, string name)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (model.Network is OnnxNetwork root)
            throw new ArgumentException($"The network '{root.Name}' is an imported ONNX graph, which routes its values by name: the " +
                $"outputs of its inner layers cannot be taken, so '{name}' cannot be used.", nameof(name));
        LayerInfo target;
        try { target = LayerPaths.Find(model, name); }
        catch (ArgumentException) when (OnnxHolding(model.Network, name) is { } onnx)
        {
            throw new ArgumentException($"'{name}' is a layer inside the imported ONNX network '{onnx}', which routes its values by " +
                $"name through its graph: the outputs of its inner layers cannot be taken. Name '{onnx}' itself, or a layer outside it.", nameof(name));
        }
        return Of(model, target);
    }

    /// <summary>The route to a layer <see cref="LayerPaths.List"/> gave for <paramref name="model"/>.</summary>
    public static LayerRoute Of(CnnModel model, LayerInfo target)
    {
        var steps = new List<(Layer, int)>();
        if (!Search(model.Network, "", target, steps))
            throw new ArgumentException($"The network '{model.Network.Name}' has no layer at '{target.Path}'.", nameof(target));
        return new(model, target, [.. steps]);
    }

    /// <summary>
    /// The layer's output for <paramref name="images"/> [N, C, H, W] at inference: the layers before it on the way run in
    /// inference mode, then the layer itself. The tensor is the layer's, valid until its next forward pass.
    /// </summary>
    public Tensor Output(Tensor images)
    {
        var value = images;
        foreach (var (parent, index) in _steps)
            if (parent is Sequential)
                for (int i = 0; i < index; i++) value = parent.Children[i].Forward(value, training: false);
        return Target.Layer.Forward(value, training: false);
    }

    /// <summary>
    /// The layers after this one, in order, as one chain: the rest of its parent, then the rest of the grandparent, and so on
    /// up to the root; only for a route <see cref="ThroughSequentialsOnly"/>. Null when the layer is the network's last.
    /// </summary>
    public Sequential? After()
    {
        if (!ThroughSequentialsOnly) throw new InvalidOperationException($"The layers after '{Target.Path}' are not a chain.");
        var levels = _steps.Reverse()
            .Select(step => step.Parent.Children.Skip(step.Index + 1).ToArray())
            .Where(rest => rest.Length > 0)
            .Select((rest, depth) => new Sequential($"level{depth}", rest))
            .ToArray();
        return levels.Length == 0 ? null : new Sequential($"after {Target.Path}", levels);
    }

    /// <summary>Checks that <paramref name="images"/> is a batch [N, C, H, W] of the model's images.</summary>
    public void RequireImages(Tensor images, string name)
    {
        ArgumentNullException.ThrowIfNull(images, name);
        var image = Model.InputShape;
        if (images.Shape.Rank != 4 || !images.Shape.Dimensions[1..].SequenceEqual(image.Dimensions) || images.Shape[0] == 0)
            throw new ArgumentException($"{name} must be a batch [N, {image[0]}, {image[1]}, {image[2]}] of the images the model " +
                $"'{Model.Network.Name}' takes ([C, H, W] = {image}), N ≥ 1; it has shape {images.Shape}.", name);
    }

    private static bool Search(Layer parent, string prefix, LayerInfo target, List<(Layer, int)> steps)
    {
        for (int i = 0; i < parent.Children.Count; i++)
        {
            var child = parent.Children[i];
            string path = prefix + child.Name;
            steps.Add((parent, i));
            if (path == target.Path && ReferenceEquals(child, target.Layer)) return true;
            if (child is not OnnxNetwork && target.Path.StartsWith(path + LayerPaths.Separator, StringComparison.Ordinal)
                && Search(child, path + LayerPaths.Separator, target, steps)) return true;
            steps.RemoveAt(steps.Count - 1);
        }
        return false;
    }

    /// <summary>The path of the imported ONNX network holding a layer with this path or plain name, if any.</summary>
    private static string? OnnxHolding(Layer network, string name)
    {
        var layers = LayerPaths.Walk(network).ToList();
        return layers.Where(l => l.Layer is OnnxNetwork).Select(l => l.Path).FirstOrDefault(onnx =>
            layers.Any(l => l.Path.StartsWith(onnx + LayerPaths.Separator, StringComparison.Ordinal) && (l.Path == name || l.Layer.Name == name)));
    }
}
