using Google.Protobuf;
using MLNet.Cnn.Models;
using MLNet.Cnn.Onnx;
using MLNet.Cnn.Onnx.Proto;

namespace MLNet.Cnn.Trainers;

/// <summary>
/// The ONNX graph a trainer hands to ML.NET's OnnxTransformer: the exported network with its input renamed to the pixel
/// column and, instead of the logits, the outputs the trainer asks for, each computed from the logits by a few nodes
/// (Softmax, ArgMax, MatMul …). ML.NET reads every output as a vector column named after it.
/// </summary>
internal sealed class ScoringGraph
{
    public const int Opset = 13;

    /// <summary>A one-slot raw score that a registered custom mapping turns into ML.NET's scalar columns (then dropped).</summary>
    public const string RawScoreColumnName = "CnnRawScore";

    private readonly ModelProto _proto;
    private readonly HashSet<string> _taken;

    public ScoringGraph(CnnModel model, string inputColumn)
    {
        _proto = OnnxExporter.Build(model, Opset);
        var graph = _proto.Graph;
        _taken = graph.Node.SelectMany(n => n.Output).Concat(graph.Initializer.Select(i => i.Name)).ToHashSet();
        CheckFree(inputColumn);
        if (inputColumn != OnnxExporter.InputName)
        {
            graph.Input[0].Name = inputColumn;
            foreach (var node in graph.Node)
                for (int i = 0; i < node.Input.Count; i++)
                    if (node.Input[i] == OnnxExporter.InputName) node.Input[i] = inputColumn;
        }
        graph.Output.Clear();
    }

    /// <summary>The network's output [N, outputs].</summary>
    public static string Logits => OnnxExporter.OutputName;

    /// <summary>Adds a node computing <paramref name="output"/>, and makes it a graph output of shape [N] or [N, width].</summary>
    public ScoringGraph Output(string output, string op, string[] inputs, TensorProto.Types.DataType type, int? width, params AttributeProto[] attributes)
    {
        CheckFree(output);
        _proto.Graph.Node.Add(Node(op, output, inputs, [output], attributes));
        _proto.Graph.Output.Add(Value(output, type, width));
        _taken.Add(output);
        return this;
    }

    /// <summary>Adds a float constant [rows, columns] and returns its name.</summary>
    public string Constant(string name, float[] values, int rows, int columns)
    {
        var tensor = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Float };
        tensor.Dims.Add(rows);
        tensor.Dims.Add(columns);
        tensor.FloatData.Add(values);
        _proto.Graph.Initializer.Add(tensor);
        _taken.Add(name);
        return name;
    }

    public byte[] ToBytes() => _proto.ToByteArray();

    public static AttributeProto Int(string name, long value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    private void CheckFree(string name)
    {
        if (_taken.Contains(name))
            throw new ArgumentException($"The column name '{name}' is also the name of a value inside the network's ONNX graph; choose another column name.");
    }

    private static NodeProto Node(string op, string name, string[] inputs, string[] outputs, AttributeProto[] attributes)
    {
        var node = new NodeProto { OpType = op, Name = name };
        node.Input.AddRange(inputs);
        node.Output.AddRange(outputs);
        node.Attribute.AddRange(attributes);
        return node;
    }

    /// <summary>[N, width], or [N] when <paramref name="width"/> is null; N is the dynamic batch.</summary>
    private static ValueInfoProto Value(string name, TensorProto.Types.DataType type, int? width)
    {
        var shape = new TensorShapeProto();
        shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimParam = "N" });
        if (width is { } w) shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = w });
        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)type, Shape = shape } },
        };
    }
}
