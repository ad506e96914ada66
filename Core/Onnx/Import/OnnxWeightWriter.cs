using Google.Protobuf;
using MLNet.Cnn.Onnx.Proto;

namespace MLNet.Cnn.Onnx;

/// <summary>
/// Writes an imported model back as ONNX with the network's current weights: the file it came from, every initializer a
/// layer took (weights, biases, batch-norm statistics) replaced by that layer's values in the initializer's own layout.
/// A weight the importer computed from constants (an Identity of another initializer, PyTorch's deduplication of equal
/// weights; a Transpose or Reshape of one, folded at import) becomes an initializer of its own in place of the node that
/// computed it, since training may have moved it away from its source. <paramref name="constants"/> are the importer's
/// constants by value name, folded ones included.
/// </summary>
internal sealed class OnnxWeightWriter(ModelProto model, IReadOnlyDictionary<string, Func<float[]>> currentValues,
    IReadOnlyDictionary<string, TensorProto> constants)
{
    public byte[] ToBytes()
    {
        var copy = model.Clone();
        var initializers = copy.Graph.Initializer.ToDictionary(i => i.Name);
        foreach (var (name, values) in currentValues)
        {
            if (!initializers.TryGetValue(name, out var initializer))
            {
                var producer = copy.Graph.Node.Single(n => n.Output.Contains(name));
                copy.Graph.Node.Remove(producer);
                foreach (var output in producer.Output.Where(o => o != ""))
                {
                    var constant = constants[output].Clone();
                    constant.Name = output;
                    copy.Graph.Initializer.Add(constant);
                    initializers[output] = constant;
                }
                initializer = initializers[name];
            }
            OnnxTensorData.SetFloats(initializer, values());
        }
        return copy.ToByteArray();
    }
}
