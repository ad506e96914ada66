using MLNet.Cnn.Kernels;
using MLNet.Cnn.Onnx.Proto;

namespace MLNet.Cnn.Onnx.Quantization;

/// <summary>
/// Folds a BatchNormalization that only a Conv feeds into that Conv, as inference engines do before quantizing (the
/// quantized convolution then carries the normalization in its int8 weights and int32 bias):
/// a = γ / √(var + ε), W'[m] = a[m] · W[m], b'[m] = a[m] · (b[m] − mean[m]) + β[m].
/// </summary>
internal static class BatchNormFolding
{
    public static void Fold(GraphProto graph)
    {
        var initializers = graph.Initializer.ToDictionary(i => i.Name);
        var readers = OnnxGraphEdits.ReaderCounts(graph);
        var graphOutputs = graph.Output.Select(o => o.Name).ToHashSet();
        foreach (var bn in graph.Node.Where(n => n.OpType == "BatchNormalization").ToList())
        {
            var conv = graph.Node.FirstOrDefault(n => n.OpType == "Conv" && n.Output.Count == 1 && n.Output[0] == bn.Input[0]);
            if (conv is null || bn.Output.Count != 1 || graphOutputs.Contains(conv.Output[0]) || readers[conv.Output[0]] != 1) continue;
            if (!bn.Input.Skip(1).All(initializers.ContainsKey) || !initializers.TryGetValue(conv.Input[1], out var weight)) continue;
            if (readers[conv.Input[1]] != 1 || (conv.Input.Count > 2 && readers[conv.Input[2]] != 1)) continue; // a shared weight stays as it is

            var w = OnnxTensorData.Floats(weight);
            var (gamma, beta, mean, variance) = (Floats(bn, 1), Floats(bn, 2), Floats(bn, 3), Floats(bn, 4));
            float epsilon = bn.Attribute.FirstOrDefault(a => a.Name == "epsilon")?.F ?? 1e-5f;
            var bias = conv.Input.Count > 2 && conv.Input[2] != "" ? OnnxTensorData.Floats(initializers[conv.Input[2]]) : new float[gamma.Length];
            BatchNorm2d.Fold(w, bias, gamma, beta, mean, variance, epsilon, w, bias);
            Replace(graph, initializers, weight, w);
            string biasName = conv.Input.Count > 2 && conv.Input[2] != "" ? conv.Input[2] : $"{conv.Output[0]}.folded_bias";
            if (initializers.TryGetValue(biasName, out var oldBias)) Replace(graph, initializers, oldBias, bias);
            else AddInitializer(graph, initializers, biasName, bias);
            if (conv.Input.Count > 2) conv.Input[2] = biasName; else conv.Input.Add(biasName);

            conv.Output[0] = bn.Output[0];
            graph.Node.Remove(bn);
        }
        OnnxGraphEdits.Prune(graph);

        float[] Floats(NodeProto node, int input) => OnnxTensorData.Floats(initializers[node.Input[input]]);
    }

    private static void Replace(GraphProto graph, Dictionary<string, TensorProto> initializers, TensorProto old, float[] values)
    {
        var tensor = QdqTensors.Float(old.Name, values, [.. old.Dims]);
        graph.Initializer[graph.Initializer.IndexOf(old)] = tensor;
        initializers[old.Name] = tensor;
    }

    private static void AddInitializer(GraphProto graph, Dictionary<string, TensorProto> initializers, string name, float[] values)
    {
        var tensor = QdqTensors.Float(name, values, values.Length);
        graph.Initializer.Add(tensor);
        initializers[name] = tensor;
    }
}
