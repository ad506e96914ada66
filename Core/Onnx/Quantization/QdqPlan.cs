using MLNet.Cnn.Onnx.Proto;
using DataType = MLNet.Cnn.Onnx.Proto.TensorProto.Types.DataType;

namespace MLNet.Cnn.Onnx.Quantization;

/// <summary>
/// What the QDQ rewrite quantizes, decided from the float graph alone (the rule of onnxruntime.quantization's QDQ format):
/// the nodes ONNX Runtime has int8 kernels for (Conv, Gemm, MatMul with a constant weight, Add, Concat, max/average
/// pooling) get a QuantizeLinear → DequantizeLinear pair on each float activation they read or write, and a
/// DequantizeLinear on their int8 weights and int32 bias; ONNX Runtime then fuses DQ → op → Q into one integer kernel.
/// A Relu or Clip(0, …) that is the only reader of such a node's output is dropped: the uint8 Q of its calibrated
/// range [0, max] (zero point 0) clamps exactly as it did. Graph outputs stay float.
/// </summary>
internal sealed class QdqPlan
{
    private static readonly HashSet<string> WithWeight = ["Conv", "Gemm", "MatMul"];
    private static readonly HashSet<string> WithoutWeight = ["Add", "Concat", "MaxPool", "AveragePool", "GlobalAveragePool"];

    /// <summary>Nodes run in int8, with the axis of their weight's output channels (null for nodes without a weight).</summary>
    public Dictionary<NodeProto, int?> Nodes { get; } = [];

    /// <summary>Relu/Clip nodes to drop, each with the node whose output it clamps.</summary>
    public List<(NodeProto Activation, NodeProto Producer)> FusedActivations { get; } = [];

    /// <summary>Activation values that get a Q → DQ pair, in graph order (names of the float graph).</summary>
    public List<string> Values { get; } = [];

    public static QdqPlan Of(GraphProto graph, QuantizationOptions options)
    {
        var plan = new QdqPlan();
        var initializers = graph.Initializer.ToDictionary(i => i.Name);
        var floats = FloatValues(graph);
        var outputs = graph.Output.Select(o => o.Name).ToHashSet();
        var readers = OnnxGraphEdits.ReaderCounts(graph);

        foreach (var node in graph.Node.Where(n => !options.ExcludedNodes.Contains(n.Name)))
            if (RunsInInt8(node, initializers, floats) is (true, var axis)) plan.Nodes[node] = axis;

        var values = new List<string>();
        foreach (var node in graph.Node)
        {
            if (!plan.Nodes.TryGetValue(node, out var axis)) continue;
            values.AddRange(axis is null ? node.Input : [node.Input[0]]);
            if (outputs.Contains(node.Output[0])) continue;
            var fused = graph.Node.FirstOrDefault(r => IsZeroClamp(r, initializers) && r.Input[0] == node.Output[0]);
            if (fused is not null && readers[node.Output[0]] == 1 && !outputs.Contains(fused.Output[0]))
            {
                plan.FusedActivations.Add((fused, node));
                values.Add(fused.Output[0]);
            }
            else values.Add(node.Output[0]);
        }
        plan.Values.AddRange(values.Distinct());
        return plan;
    }

    /// <summary>Whether the node can run in int8 and the output-channel axis of its weight (null: no weight).</summary>
    private static (bool, int?) RunsInInt8(NodeProto node, Dictionary<string, TensorProto> initializers, HashSet<string> floats)
    {
        bool FloatWeight(int i) => node.Input.Count > i && initializers.TryGetValue(node.Input[i], out var t) && OnnxTensorData.IsFloat(t);
        bool Activation(string name) => floats.Contains(name) && !initializers.ContainsKey(name);
        long Attribute(string name, long fallback) => node.Attribute.FirstOrDefault(a => a.Name == name)?.I ?? fallback;
        float FloatAttribute(string name) => node.Attribute.FirstOrDefault(a => a.Name == name)?.F ?? 1f;
        bool OptionalBias(int outputs) => node.Input.Count < 3 || node.Input[2] == ""
            || (FloatWeight(2) && initializers[node.Input[2]].Dims is { Count: 1 } d && d[0] == outputs);
        long Dim(int input, int axis) => initializers[node.Input[input]].Dims[axis];

        return node.OpType switch
        {
            "Conv" when Activation(node.Input[0]) && FloatWeight(1) && OptionalBias((int)Dim(1, 0)) => (true, 0),
            "Gemm" when Activation(node.Input[0]) && FloatWeight(1) && Attribute("transA", 0) == 0 && FloatAttribute("alpha") == 1
                && FloatAttribute("beta") == 1 && OptionalBias((int)Dim(1, Attribute("transB", 0) == 1 ? 0 : 1))
                => (true, Attribute("transB", 0) == 1 ? 0 : 1),
            "MatMul" when Activation(node.Input[0]) && FloatWeight(1) && initializers[node.Input[1]].Dims.Count == 2 => (true, 1),
            "MaxPool" when node.Output.Count > 1 => (false, null),
            var op when WithoutWeight.Contains(op) && node.Input.All(Activation) => (true, null),
            _ => (false, null),
        };
    }

    /// <summary>Relu, or Clip whose lower bound is a constant 0.</summary>
    private static bool IsZeroClamp(NodeProto node, Dictionary<string, TensorProto> initializers) => node.OpType switch
    {
        "Relu" => true,
        "Clip" => node.Input.Count > 1 && initializers.TryGetValue(node.Input[1], out var min) && OnnxTensorData.IsFloat(min)
            && OnnxTensorData.Floats(min) is [0f],
        _ => false,
    };

    /// <summary>The float tensors: graph inputs and initializers of type float and what float ops make of them.</summary>
    private static HashSet<string> FloatValues(GraphProto graph)
    {
        var floats = graph.Input.Where(i => i.Type?.TensorType?.ElemType == (int)DataType.Float).Select(i => i.Name).ToHashSet();
        floats.UnionWith(graph.Initializer.Where(OnnxTensorData.IsFloat).Select(i => i.Name));
        foreach (var node in graph.Node)
        {
            bool isFloat = node.OpType switch
            {
                "Shape" or "Size" or "NonZero" or "ArgMax" or "ArgMin" => false,
                "Cast" => node.Attribute.FirstOrDefault(a => a.Name == "to")?.I == (int)DataType.Float,
                "Constant" => node.Attribute.FirstOrDefault(a => a.Name == "value")?.T?.DataType == (int)DataType.Float,
                _ => node.Input.Count > 0 && floats.Contains(node.Input[0]),
            };
            if (isFloat) floats.Add(node.Output[0]);
        }
        return floats;
    }
}
