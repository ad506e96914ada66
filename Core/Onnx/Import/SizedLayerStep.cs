using MLNet.Cnn.Layers;

namespace MLNet.Cnn.Onnx;

/// <summary>
/// A layer applied to one float input whose settings are an int64 value the graph computes on every pass, such as the
/// sizes of a Resize made by Shape → Slice → Concat (the core's bilinear resize to a fixed size, PyTorch's
/// F.interpolate(size=…)): the layer is built from that value on the first pass and again whenever it changes. Until the
/// first pass there is no layer, so it is not among the network's children (it must hold no parameters).
/// </summary>
internal sealed class SizedLayerStep(string node, string input, string settings, string output, Func<long[], Layer> layerFor)
    : OnnxStep(node, [input, settings], output)
{
    private long[] _settings = [];
    private Layer? _layer;

    public override Layer? Layer => _layer;

    public override void Forward(OnnxValues values, bool training)
    {
        var settings = values.Integers(Inputs[1]).Values;
        if (_layer is null || !settings.SequenceEqual(_settings)) (_layer, _settings) = (Build(settings), settings);
        values.Set(Output, _layer.Forward(values.Tensor(Inputs[0]), training));
    }

    /// <summary>The output shape, from the layer of the last forward pass or, for other settings, a new one (the last pass's stays for Backward).</summary>
    public override void InferShape(OnnxValues values)
    {
        var settings = values.Integers(Inputs[1]).Values;
        var layer = _layer is not null && settings.SequenceEqual(_settings) ? _layer : Build(settings);
        values.SetShape(Output, layer.OutputShape(values.ShapeOf(Inputs[0])));
    }

    public override void Backward(OnnxGradients gradients)
    {
        if (gradients.Of(Output) is { } gradOutput) gradients.Accumulate(Inputs[0], _layer!.Backward(gradOutput));
    }

    private Layer Build(long[] settings)
    {
        var layer = layerFor(settings);
        return layer.ParameterCount == 0 ? layer
            : throw new InvalidOperationException($"ONNX node '{Node}': a layer built from values the graph computes must hold no parameters.");
    }
}
