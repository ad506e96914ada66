using System.Globalization;
using System.Text;
using MLNet.Cnn.Layers;
using MLNet.Cnn.Tensors;

namespace MLNet.Cnn.Models;

/// <summary>
/// What Keras's <c>model.summary()</c> shows, as data and as text: one <see cref="LayerSummary"/> per leaf layer (a layer
/// with no inner layers; an imported ONNX network counts as one), in forward order, with its path, type, output shape
/// for one image, parameters, whether they are frozen, and multiply-adds; then the totals. Multiply-adds count the
/// convolutions and dense layers only, as torchvision's and fvcore's figures do (ResNet-18: 1.82 G at 3×224×224);
/// activations, pooling, normalization and additions are listed with 0, being a few per output value.
/// </summary>
public sealed class ModelSummary
{
    private ModelSummary(string name, TensorShape input, IReadOnlyList<LayerSummary> layers)
    {
        (Name, InputShape, Layers) = (name, input, layers);
    }

    /// <summary>The name of the network's root layer.</summary>
    public string Name { get; }

    /// <summary>The shape of one input image the summary was computed for (no batch axis), e.g. [3, 224, 224].</summary>
    public TensorShape InputShape { get; }

    /// <summary>The leaf layers, in forward order.</summary>
    public IReadOnlyList<LayerSummary> Layers { get; }

    /// <summary>The number of parameter values in the network.</summary>
    public long TotalParameters => Layers.Sum(l => l.Parameters);

    /// <summary>The number of parameter values an optimizer updates.</summary>
    public long TrainableParameters => Layers.Sum(l => l.TrainableParameters);

    /// <summary>The number of parameter values marked <see cref="Parameter.Frozen"/>.</summary>
    public long FrozenParameters => Layers.Sum(l => l.FrozenParameters);

    /// <summary>The multiply-adds of one forward pass of one image (convolutions and dense layers).</summary>
    public long MultiplyAdds => Layers.Sum(l => l.MultiplyAdds);

    /// <summary>The summary of a model for its own <see cref="CnnModel.InputShape"/>.</summary>
    public static ModelSummary Of(CnnModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return Of(model.Network, model.InputShape);
    }

    /// <summary>The summary of <paramref name="network"/> for one image of shape <paramref name="input"/> (no batch axis, e.g. [1, 28, 28]).</summary>
    /// <exception cref="ArgumentException">The network does not take images of that shape (the layer that refuses it says why).</exception>
    public static ModelSummary Of(Layer network, TensorShape input)
    {
        ArgumentNullException.ThrowIfNull(network);
        var rows = IsLeaf(network) // a single layer, or an imported ONNX network: one row
            ? [Row(new LayerInfo(network.Name, network, LayerPaths.WithoutBatch(network.OutputShape(new TensorShape([1, .. input.Dimensions])))), input)]
            : LayerPaths.WithInputs(network, input).Where(l => IsLeaf(l.Info.Layer)).Select(l => Row(l.Info, l.Input)).ToList();
        return new ModelSummary(network.Name, input, rows);
    }

    /// <summary>The table as Keras prints it: aligned columns, a rule above and below the rows, then the totals.</summary>
    public override string ToString()
    {
        string[] header = ["Layer (type)", "Output shape", "Param #", "Trainable", "Mult-adds"];
        var cells = Layers.Select(l => new[]
        {
            $"{l.Path} ({l.TypeName})", l.OutputShape.ToString(), Count(l.Parameters), l.Trainability, Count(l.MultiplyAdds),
        }).ToList();
        var widths = header.Select((h, i) => cells.Select(c => c[i].Length).Prepend(h.Length).Max()).ToArray();
        string Line(string[] c) => string.Join("  ", c.Select((v, i) => i is 2 or 4 ? v.PadLeft(widths[i]) : v.PadRight(widths[i]))).TrimEnd();
        int width = widths.Sum() + 2 * (widths.Length - 1);

        var text = new StringBuilder();
        text.AppendLine($"Model: \"{Name}\"  (input {InputShape})");
        text.AppendLine(new string('_', width));
        text.AppendLine(Line(header));
        text.AppendLine(new string('=', width));
        foreach (var row in cells) text.AppendLine(Line(row));
        text.AppendLine(new string('=', width));
        text.AppendLine($"Total params: {Count(TotalParameters)}");
        text.AppendLine($"Trainable params: {Count(TrainableParameters)}");
        text.AppendLine($"Frozen params: {Count(FrozenParameters)}");
        text.AppendLine($"Mult-adds: {Count(MultiplyAdds)} ({Scaled(MultiplyAdds)})");
        text.Append(new string('_', width));
        return text.ToString();
    }

    // LayerPaths lists an imported ONNX network without its inner layers, which its graph routes by name.
    private static bool IsLeaf(Layer layer) => layer.Children.Count == 0 || layer is Onnx.OnnxNetwork;

    private static LayerSummary Row(LayerInfo info, TensorShape input)
    {
        var parameters = info.Layer.AllParameters().ToList();
        return new LayerSummary(info.Path, info.Layer, info.OutputShape,
            parameters.Sum(p => (long)p.Value.Length), parameters.Where(p => p.Frozen).Sum(p => (long)p.Value.Length),
            MultiplyAddsOf(info.Layer, input, info.OutputShape));
    }

    // A convolution's weight [out, in/groups, kh, kw] (transposed: [in, out/groups, kh, kw]) meets one input value per
    // weight at each output position (transposed: at each input position, which it scatters over the output); dilation
    // only spreads the kernel taps. A dense layer multiplies each row of in values by out × in weights.
    private static long MultiplyAddsOf(Layer layer, TensorShape input, TensorShape output) => layer switch
    {
        Conv2dLayer conv => (long)conv.Weight.Value.Length * output.SizeFrom(1),
        ConvTranspose2dLayer conv => (long)conv.Weight.Value.Length * input.SizeFrom(1),
        DenseLayer dense => (long)dense.Weight.Value.Length * (output.Length / dense.OutFeatures),
        _ => 0,
    };

    private static string Count(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    /// <summary>"1.81 G", "416.52 K": the count in the largest of K, M, G that it reaches.</summary>
    private static string Scaled(long value)
    {
        var (scale, unit) = value >= 1_000_000_000 ? (1e9, "G") : value >= 1_000_000 ? (1e6, "M") : (1e3, "K");
        return (value / scale).ToString("0.00", CultureInfo.InvariantCulture) + " " + unit;
    }
}
