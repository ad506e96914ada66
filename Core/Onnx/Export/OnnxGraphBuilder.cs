using System.Runtime.InteropServices;
using Google.Protobuf;
using MLNet.Cnn.Layers;
using MLNet.Cnn.Onnx.Proto;
using MLNet.Cnn.Tensors;

namespace MLNet.Cnn.Onnx;

/// <summary>
/// Appends the nodes and initializers of a layer tree to an ONNX graph, for <see cref="OnnxExporter"/>: each layer as its
/// <see cref="LayerKind"/> writes it, with <see cref="Node"/>, <see cref="Weight"/>, the other initializers and the attribute
/// helpers below. Values are named after their layers and made unique by a counter.
/// </summary>
internal sealed partial class OnnxGraphBuilder(int opset)
{
    private readonly HashSet<string> _names = [OnnxExporter.InputName, OnnxExporter.OutputName, OnnxExporter.FeaturesName];
    private int _counter;

    public GraphProto Graph { get; } = new();

    /// <summary>A layer whose output value <see cref="Emit"/> records in <see cref="Watched"/> (the cut of a feature graph).</summary>
    public Layer? Watch { get; init; }

    /// <summary>The value <see cref="Watch"/> produced and its shape (batch 1), once it has been emitted.</summary>
    public (string Name, TensorShape Shape)? Watched { get; private set; }

    /// <summary>The default-domain opset being written (some layers are written differently before an op exists).</summary>
    public int Opset => opset;

    /// <summary>
    /// Emits <paramref name="layer"/> applied to value <paramref name="x"/> of shape <paramref name="shape"/> (batch 1), as
    /// the layer type's <see cref="LayerKind"/> writes it.
    /// </summary>
    public (string Name, TensorShape Shape) Emit(Layer layer, string x, TensorShape shape)
    {
        var output = layer.OutputShape(shape);
        var kind = LayerRegistry.Of(layer.GetType()) ?? throw new NotSupportedException(
            $"Layer '{layer.Name}' of type {layer.GetType().Name} has no ONNX mapping; the model cannot be exported to ONNX.");
        string y = kind.Export(this, layer, x, shape, output);
        if (ReferenceEquals(layer, Watch)) Watched ??= (y, output);
        return (y, output);
    }

    /// <summary>(x − mean[c]) / std[c] as a Sub and a Div node, the per-channel constants shaped [C, 1, 1] to broadcast over [N, C, H, W].</summary>
    public string Normalize(string x, Models.Normalization normalization)
    {
        long channels = normalization.Mean.Count;
        string centered = Node("Sub", $"{x}.centered", [x, Initializer($"{x}.mean", normalization.Mean.ToArray(), channels, 1, 1)]);
        return Node("Div", $"{x}.normalized", [centered, Initializer($"{x}.std", normalization.Std.ToArray(), channels, 1, 1)]);
    }

    /// <summary>[N, d1, d2, …] → [N, d1·d2·…].</summary>
    public string Flatten(string x) => Node("Flatten", $"{x}.flat", [x], Int("axis", 1));

    /// <summary>Names the final value <paramref name="output"/>: renames the output of the node that makes it, or adds an Identity.</summary>
    public void Finish(string last, string output)
    {
        var producer = Graph.Node.LastOrDefault(n => n.Output.Contains(last));
        bool consumed = Graph.Node.Any(n => n.Input.Contains(last));
        if (producer is not null && !consumed)
        {
            producer.Output[producer.Output.IndexOf(last)] = output;
            return;
        }
        var identity = new NodeProto { Name = output, OpType = "Identity" };
        identity.Input.Add(last);
        identity.Output.Add(output);
        Graph.Node.Add(identity);
    }

    /// <summary>Appends node <paramref name="op"/>(<paramref name="inputs"/>) with one output, named <paramref name="name"/> (made unique); returns that output.</summary>
    public string Node(string op, string name, string[] inputs, params AttributeProto[] attributes)
    {
        string output = Unique(name);
        var node = new NodeProto { Name = output, OpType = op };
        node.Input.AddRange(inputs);
        node.Output.Add(output);
        node.Attribute.AddRange(attributes);
        Graph.Node.Add(node);
        return output;
    }

    /// <summary>The parameter's current values as an initializer of its name and shape.</summary>
    public string Weight(Parameter p) => Initializer(p.Name, p.Value.Span, p.Value.Shape.Dimensions.ToArray().Select(d => (long)d).ToArray());

    public string Initializer(string name, ReadOnlySpan<float> values, params long[] dims)
    {
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("ONNX raw_data is little-endian.");
        var tensor = new TensorProto { Name = Unique(name), DataType = (int)TensorProto.Types.DataType.Float, RawData = ByteString.CopyFrom(MemoryMarshal.AsBytes(values)) };
        tensor.Dims.AddRange(dims);
        Graph.Initializer.Add(tensor);
        return tensor.Name;
    }

    public string Scalar(string name, float value) => Initializer(name, [value]);

    public string Floats(string name, params float[] values) => Initializer(name, values, values.Length);

    public string Int64s(string name, params long[] values)
    {
        var tensor = new TensorProto { Name = Unique(name), DataType = (int)TensorProto.Types.DataType.Int64 };
        tensor.Dims.Add(values.Length);
        tensor.Int64Data.AddRange(values);
        Graph.Initializer.Add(tensor);
        return tensor.Name;
    }

    private string Unique(string name)
    {
        string unique = name;
        while (!_names.Add(unique)) unique = $"{name}_{++_counter}";
        return unique;
    }

    public static AttributeProto Int(string name, long value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    public static AttributeProto Float(string name, float value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Float, F = value };

    public static AttributeProto String(string name, string value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.String, S = ByteString.CopyFromUtf8(value) };

    public static AttributeProto Ints(string name, params long[] values)
    {
        var attribute = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        attribute.Ints.AddRange(values);
        return attribute;
    }
}
