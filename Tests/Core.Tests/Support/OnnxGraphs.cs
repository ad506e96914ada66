using MLNet.Cnn.Onnx.Proto;
using DataType = MLNet.Cnn.Onnx.Proto.TensorProto.Types.DataType;

namespace MLNet.Cnn.Tests.Support;

/// <summary>Pieces of hand-built ONNX graphs for the importer's tests: nodes, float and int64 initializers, typed inputs and outputs.</summary>
internal static class OnnxGraphs
{
    public static void Node(GraphProto graph, string op, string[] inputs, string output, params AttributeProto[] attributes)
    {
        var node = new NodeProto { Name = $"/{output}/{op}", OpType = op };
        node.Input.AddRange(inputs);
        node.Output.Add(output);
        node.Attribute.AddRange(attributes);
        graph.Node.Add(node);
    }

    public static TensorProto Floats(string name, float[] values, params long[] dims)
    {
        var tensor = new TensorProto { Name = name, DataType = (int)DataType.Float };
        tensor.Dims.AddRange(dims);
        tensor.FloatData.AddRange(values);
        return tensor;
    }

    public static TensorProto Int64s(string name, long[] dims, params long[] values)
    {
        var tensor = new TensorProto { Name = name, DataType = (int)DataType.Int64 };
        tensor.Dims.AddRange(dims);
        tensor.Int64Data.AddRange(values);
        return tensor;
    }

    public static ValueInfoProto Value(string name, string batch, params long[] dims)
    {
        var shape = new TensorShapeProto();
        shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimParam = batch });
        foreach (long d in dims) shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = d });
        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)DataType.Float, Shape = shape } },
        };
    }
}
