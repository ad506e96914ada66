using Google.Protobuf;
using MLNet.Cnn.Onnx.Proto;

namespace MLNet.Cnn.Onnx;

/// <summary>
/// Writes an imported model back as ONNX with the network's current weights: the file it came from, every initializer a
/// layer took (weights, biases, batch-norm statistics) replaced by that layer's values in the initializer's own layout.
/// A value that was an Identity of another initializer (PyTorch's deduplication of equal weights) becomes an initializer
/// of its own, since training may have moved the copies apart.
/// </summary>
internal sealed class OnnxWeightWriter(ModelProto model, IReadOnlyDictionary<string, Func<float[]>> currentValues)
{
    public byte[] ToBytes()
    {
        var copy = model.Clone();
        var initializers = copy.Graph.Initializer.ToDictionary(i => i.Name);
        foreach (var (name, values) in currentValues)
        {
            if (!initializers.TryGetValue(name, out var initializer))
            {
                var identity = copy.Graph.Node.Single(n => n.OpType == "Identity" && n.Output[0] == name);
                initializer = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Float };
                initializer.Dims.AddRange(Dims(copy.Graph, identity.Input[0], initializers));
                copy.Graph.Node.Remove(identity);
                copy.Graph.Initializer.Add(initializer);
                initializers[name] = initializer;
            }
            OnnxTensorData.SetFloats(initializer, values());
        }
        return copy.ToByteArray();
    }

    /// <summary>The dims of an initializer, or of the one an Identity chain passes on.</summary>
    private static IEnumerable<long> Dims(GraphProto graph, string value, Dictionary<string, TensorProto> initializers) =>
        initializers.TryGetValue(value, out var initializer) ? initializer.Dims
        : Dims(graph, graph.Node.Single(n => n.OpType == "Identity" && n.Output[0] == value).Input[0], initializers);
}
