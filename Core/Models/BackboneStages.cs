using MLNet.Cnn.Layers;
using MLNet.Cnn.Tensors;
using MLNet.Cnn.Transfer;

namespace MLNet.Cnn.Models;

/// <summary>
/// A backbone's convolutional trunk cut into consecutive stages, one per output stride, for the heads that read its maps at
/// several scales (<see cref="Segmentation.SegmentationNetworks"/>, <see cref="Detection.YoloNetwork"/>). The split walks
/// the trunk's top-level layers with <see cref="Layer.OutputShape"/> for a given input and starts a new stage wherever the
/// output stride grows; a top-level <see cref="Sequential"/> that grows the stride more than 2× at once (SmallVgg's
/// "features") is walked into. A trunk that is one opaque layer (an imported ONNX network) gives one stage at its final
/// stride, so the heads work single-scale on it. The stages hold the trunk's own layers, not copies.
/// </summary>
public static class BackboneStages
{
    /// <summary>
    /// The stages of <paramref name="trunk"/> for images of shape <paramref name="input"/> [C, H, W], shallowest first, with
    /// strides that grow from one stage to the next. Throws when H or W is not a multiple of the strides the trunk reaches,
    /// when a layer's output is not [N, C, h, w], or when a layer makes the map larger again.
    /// </summary>
    public static IReadOnlyList<BackboneStage> Split(Layer trunk, TensorShape input)
    {
        ArgumentNullException.ThrowIfNull(trunk);
        if (input.Rank != 3)
            throw new ArgumentException($"The input shape must be one image [C, H, W]; {input} was given.", nameof(input));
        var groups = new List<(int Stride, int Channels, List<Layer> Layers)>();
        var batch = new TensorShape(1, input[0], input[1], input[2]);
        foreach (var layer in Walk(trunk, batch))
        {
            var output = layer.OutputShape(batch);
            int stride = StrideOf(layer, output, input);
            if (groups.Count > 0 && stride < groups[^1].Stride)
                throw new ArgumentException(
                    $"Layer '{layer.Name}' of backbone '{trunk.Name}' makes the map larger (stride {groups[^1].Stride} → {stride}); " +
                    "a backbone's strides must not shrink.", nameof(trunk));
            if (groups.Count > 0 && stride % groups[^1].Stride != 0) throw NotAMultiple(layer, output, input);
            if (groups.Count == 0 || stride > groups[^1].Stride) groups.Add((stride, output[1], []));
            groups[^1] = groups[^1] with { Channels = output[1] };
            groups[^1].Layers.Add(layer);
            batch = output;
        }
        return [.. groups.Select(g => new BackboneStage(new Sequential($"stride{g.Stride}", [.. g.Layers]), g.Stride, g.Channels))];
    }

    /// <summary>
    /// The convolutional trunk of a classifier built by <see cref="Models"/>: its top-level layers before the first global
    /// pooling, flatten or dense layer (the classifier head), the same layer objects. For ResNet, MobileNetV2, EfficientNet,
    /// SmallVgg, ResNetSmall and the like; throws when the network has no such head or nothing before it.
    /// </summary>
    public static Sequential Trunk(Sequential classifier)
    {
        ArgumentNullException.ThrowIfNull(classifier);
        var children = classifier.Children;
        int head = children.ToList().FindIndex(l => l is GlobalAvgPoolLayer or GlobalMaxPoolLayer or FlattenLayer or DenseLayer);
        if (head <= 0)
            throw new ArgumentException(
                $"'{classifier.Name}' has {(head < 0 ? "no classifier head (global pooling, flatten or dense layer) to cut" : "nothing before its classifier head")}; " +
                "pass its convolutional layers to Split directly.", nameof(classifier));
        return new Sequential($"{classifier.Name}_trunk", [.. children.Take(head)]);
    }

    /// <summary>
    /// The convolutional trunk of a trained classifier (e.g. a SmallVgg trained on 28×28 Fashion-MNIST), as an independent copy
    /// with its weights and batch-norm statistics (<see cref="TransferBackbone.FeatureModel"/>): fully convolutional, so it
    /// runs on larger images (96×96 canvases) than it was trained on. The trained model itself is never changed.
    /// </summary>
    public static Sequential Trunk(CnnModel trained)
    {
        ArgumentNullException.ThrowIfNull(trained);
        var copy = TransferBackbone.FromModel(trained).FeatureModel().Network;
        return Trunk(copy as Sequential ?? throw new ArgumentException(
            $"The model's network '{trained.Network.Name}' is one {trained.Network.GetType().Name}, not a sequence with a classifier head.", nameof(trained)));
    }

    /// <summary>
    /// Sets <see cref="Parameter.Frozen"/> on every parameter of the stages (false: clears it): optimizers leave them as they
    /// are. Batch-norm running statistics are buffers, not parameters: they still move when the network runs in training mode.
    /// </summary>
    public static void Freeze(IEnumerable<BackboneStage> stages, bool frozen = true)
    {
        foreach (var parameter in stages.SelectMany(s => s.Layer.AllParameters())) parameter.Frozen = frozen;
    }

    /// <summary>The trunk's layers in order, walking into a top-level <see cref="Sequential"/> that grows the stride more than 2×.</summary>
    private static IEnumerable<Layer> Walk(Layer trunk, TensorShape batch)
    {
        if (trunk is not Sequential) return [trunk];
        var layers = new List<Layer>();
        foreach (var child in trunk.Children)
        {
            var output = child.OutputShape(batch);
            bool several = child is Sequential && output.Rank == 4 && output[2] > 0 && batch[2] / output[2] > 2;
            layers.AddRange(several ? Walk(child, batch) : [child]);
            batch = output;
        }
        return layers;
    }

    /// <summary>input H / h, which must be a whole number and the same for the width (the growth of one stage to the next is checked by the caller).</summary>
    private static int StrideOf(Layer layer, TensorShape output, TensorShape input)
    {
        if (output.Rank != 4)
            throw new ArgumentException(
                $"Layer '{layer.Name}' of the backbone gives {output}; a backbone's layers must give maps [N, C, h, w] (cut the classifier head off, e.g. with {nameof(BackboneStages)}.{nameof(Trunk)}).");
        var (height, width) = (input[1], input[2]);
        var (h, w) = (output[2], output[3]);
        if (h == 0 || w == 0 || height % h != 0 || width % w != 0 || height / h != width / w) throw NotAMultiple(layer, output, input);
        return height / h;
    }

    private static ArgumentException NotAMultiple(Layer layer, TensorShape output, TensorShape input) => new(
        $"Layer '{layer.Name}' of the backbone turns the {input[1]}×{input[2]} input into a {output[2]}×{output[3]} map, not a whole " +
        "stride of the previous one: the input's height and width must be multiples of the backbone's largest stride (e.g. 32 for " +
        "ResNet and MobileNet).");
}
