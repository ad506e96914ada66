using MLNet.Cnn.Models;
using MLNet.Cnn.Onnx;
using MLNet.Cnn.Onnx.Proto;
using Google.Protobuf;

namespace MLNet.Cnn.Trainers;

/// <summary>
/// The ONNX graph the trainer hands to ML.NET's OnnxTransformer: the exported network with its input renamed to the
/// feature column, and two outputs named as ML.NET's standard columns: the class probabilities
/// (Softmax of the logits, float [N, K]) and the index of the most probable class (ArgMax, int64 [N]; ML.NET reads it
/// as a one-slot vector, which the trainer's built-in steps turn into the label's key).
/// </summary>
internal static class ScoringGraph
{
    public const int Opset = 13;

    public static byte[] Build(CnnModel model, string inputColumn, string scoreColumn, string classIndexColumn)
    {
        var proto = OnnxExporter.Build(model, Opset);
        var graph = proto.Graph;
        var taken = graph.Node.SelectMany(n => n.Output).Concat(graph.Initializer.Select(i => i.Name)).ToHashSet();
        foreach (var name in new[] { inputColumn, scoreColumn, classIndexColumn })
            if (taken.Contains(name))
                throw new ArgumentException($"The column name '{name}' is also the name of a value inside the network's ONNX graph; choose another column name.");
        int classes = model.ClassNames.Count;

        if (inputColumn != OnnxExporter.InputName)
        {
            graph.Input[0].Name = inputColumn;
            foreach (var node in graph.Node)
                for (int i = 0; i < node.Input.Count; i++)
                    if (node.Input[i] == OnnxExporter.InputName) node.Input[i] = inputColumn;
        }

        string logits = OnnxExporter.OutputName;
        graph.Node.Add(Node("Softmax", scoreColumn, [logits], [scoreColumn], IntAttribute("axis", 1)));
        graph.Node.Add(Node("ArgMax", classIndexColumn, [logits], [classIndexColumn], IntAttribute("axis", 1), IntAttribute("keepdims", 0)));

        graph.Output.Clear();
        graph.Output.Add(Value(scoreColumn, TensorProto.Types.DataType.Float, batchAndClasses: classes));
        graph.Output.Add(Value(classIndexColumn, TensorProto.Types.DataType.Int64, batchAndClasses: null));
        return proto.ToByteArray();
    }

    private static NodeProto Node(string op, string name, string[] inputs, string[] outputs, params AttributeProto[] attributes)
    {
        var node = new NodeProto { OpType = op, Name = name };
        node.Input.AddRange(inputs);
        node.Output.AddRange(outputs);
        node.Attribute.AddRange(attributes);
        return node;
    }

    private static AttributeProto IntAttribute(string name, long value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    /// <summary>[N, classes], or [N] when <paramref name="batchAndClasses"/> is null; N is the dynamic batch.</summary>
    private static ValueInfoProto Value(string name, TensorProto.Types.DataType type, int? batchAndClasses)
    {
        var shape = new TensorShapeProto();
        shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimParam = "N" });
        if (batchAndClasses is { } classes) shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = classes });
        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)type, Shape = shape } },
        };
    }
}
