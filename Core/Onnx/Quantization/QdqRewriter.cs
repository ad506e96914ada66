using MLNet.Cnn.Onnx.Proto;

namespace MLNet.Cnn.Onnx.Quantization;

/// <summary>
/// Rewrites a float graph into ONNX's QDQ form by a <see cref="QdqPlan"/> and calibrated ranges: each planned value x
/// becomes x → QuantizeLinear(uint8) → DequantizeLinear → its readers; each int8 node's weight becomes an int8 initializer
/// (per output channel) → DequantizeLinear, its bias an int32 initializer (scale = input scale · weight scale) →
/// DequantizeLinear. The float weights are removed, so the file holds int8 weights.
/// </summary>
internal sealed class QdqRewriter
{
    private readonly GraphProto _graph;
    private readonly HashSet<string> _names;
    private readonly Dictionary<string, TensorProto> _initializers;

    private QdqRewriter(GraphProto graph)
    {
        _graph = graph;
        _initializers = graph.Initializer.ToDictionary(i => i.Name);
        _names = graph.Node.SelectMany(n => n.Input.Concat(n.Output).Append(n.Name)).Concat(_initializers.Keys)
            .Concat(graph.Input.Select(i => i.Name)).ToHashSet();
    }

    public static void Apply(GraphProto graph, QdqPlan plan, IReadOnlyDictionary<string, (float Min, float Max)> ranges, QuantizationOptions options)
    {
        var rewriter = new QdqRewriter(graph);
        foreach (var (activation, producer) in plan.FusedActivations)
        {
            producer.Output[0] = activation.Output[0];
            graph.Node.Remove(activation);
        }
        // Weights first, while each node still reads its float input (the bias scale needs that input's range).
        var nodes = plan.Nodes.Where(n => n.Value is not null).SelectMany(n => rewriter.QuantizeWeights(n.Key, n.Value!.Value, options, ranges)).ToList();
        var pairs = plan.Values.ToDictionary(v => v, v => rewriter.QuantizeActivation(v, ranges));
        var dequantized = pairs.ToDictionary(p => p.Key, p => p.Value[1].Output[0]);

        nodes.AddRange(graph.Input.Where(i => pairs.ContainsKey(i.Name)).SelectMany(i => pairs[i.Name]));
        foreach (var node in graph.Node)
        {
            for (int i = 0; i < node.Input.Count; i++)
                if (dequantized.TryGetValue(node.Input[i], out var dq)) node.Input[i] = dq;
            nodes.Add(node);
            nodes.AddRange(node.Output.Where(pairs.ContainsKey).SelectMany(o => pairs[o]));
        }
        graph.Node.Clear();
        graph.Node.AddRange(nodes);
        OnnxGraphEdits.Prune(graph);
    }

    /// <summary>x → QuantizeLinear → DequantizeLinear with uint8 parameters from x's calibrated range.</summary>
    private NodeProto[] QuantizeActivation(string value, IReadOnlyDictionary<string, (float Min, float Max)> ranges)
    {
        if (!ranges.TryGetValue(value, out var range)) throw new InvalidOperationException($"No calibrated range for the value '{value}'.");
        var (scale, zeroPoint) = QuantizationMath.Activation(range.Min, range.Max);
        string s = Add(QdqTensors.Float(Unique($"{value}.scale"), [scale]));
        string z = Add(QdqTensors.UInt8(Unique($"{value}.zero_point"), [zeroPoint]));
        string q = Unique($"{value}.quantized"), dq = Unique($"{value}.dequantized");
        return [QdqTensors.Node("QuantizeLinear", value, s, z, q), QdqTensors.Node("DequantizeLinear", q, s, z, dq)];
    }

    /// <summary>The weight as int8 (per output channel along <paramref name="axis"/>, or per tensor) and the bias as int32, each behind a DequantizeLinear.</summary>
    private IEnumerable<NodeProto> QuantizeWeights(NodeProto node, int axis, QuantizationOptions options, IReadOnlyDictionary<string, (float Min, float Max)> ranges)
    {
        bool perChannel = options.PerChannel;
        var weight = _initializers[node.Input[1]];
        var dims = weight.Dims.ToArray();
        var (values, scales) = QuantizationMath.PerChannelWeights(OnnxTensorData.Floats(weight), perChannel ? dims : [1, dims.Aggregate(1L, (a, d) => a * d)],
            perChannel ? axis : 0, options.ReduceRange ? 63 : 127);
        int? channelAxis = perChannel ? axis : null;
        long[] parameterDims = perChannel ? [scales.Length] : [];
        string w = Add(QdqTensors.Int8(Unique($"{weight.Name}.quantized"), values, dims));
        string ws = Add(QdqTensors.Float(Unique($"{weight.Name}.scale"), scales, parameterDims));
        string wz = Add(QdqTensors.Int8(Unique($"{weight.Name}.zero_point"), new sbyte[scales.Length], parameterDims));
        string wdq = Unique($"{weight.Name}.dequantized");
        node.Input[1] = wdq;
        yield return QdqTensors.Node("DequantizeLinear", w, ws, wz, wdq, channelAxis);

        if (node.Input.Count < 3 || node.Input[2] == "") yield break;
        var bias = _initializers[node.Input[2]];
        // The scale the input's QuantizeLinear gets (same range, same formula), so the bias matches the int8 input exactly.
        var (inputScale, _) = QuantizationMath.Activation(ranges[node.Input[0]].Min, ranges[node.Input[0]].Max);
        var (biasValues, biasScales) = QuantizationMath.Biases(OnnxTensorData.Floats(bias), inputScale, scales);
        string b = Add(QdqTensors.Int32(Unique($"{bias.Name}.quantized"), biasValues, biasValues.Length));
        string bs = Add(QdqTensors.Float(Unique($"{bias.Name}.scale"), biasScales, biasScales.Length));
        string bz = Add(QdqTensors.Int32(Unique($"{bias.Name}.zero_point"), new int[biasValues.Length], biasValues.Length));
        string bdq = Unique($"{bias.Name}.dequantized");
        node.Input[2] = bdq;
        yield return QdqTensors.Node("DequantizeLinear", b, bs, bz, bdq, 0);
    }

    private string Add(TensorProto tensor)
    {
        _graph.Initializer.Add(tensor);
        return tensor.Name;
    }

    private string Unique(string name)
    {
        string unique = name;
        for (int i = 1; !_names.Add(unique); i++) unique = $"{name}_{i}";
        return unique;
    }
}
