using System.Buffers.Binary;
using Google.Protobuf;
using MLNet.Cnn.Onnx.Proto;

namespace MLNet.Cnn.Onnx;

/// <summary>
/// Writes an imported model back as ONNX with the network's current weights: the file it came from, every initializer a
/// layer took (weights, biases, batch-norm statistics) replaced by that layer's values in the initializer's own layout.
/// </summary>
internal sealed class OnnxWeightWriter(ModelProto model, IReadOnlyDictionary<string, Func<float[]>> currentValues)
{
    public byte[] ToBytes()
    {
        var copy = model.Clone();
        foreach (var initializer in copy.Graph.Initializer)
        {
            if (!currentValues.TryGetValue(initializer.Name, out var values)) continue;
            var floats = values();
            var raw = new byte[floats.Length * sizeof(float)];
            for (int i = 0; i < floats.Length; i++) BinaryPrimitives.WriteSingleLittleEndian(raw.AsSpan(4 * i), floats[i]);
            initializer.FloatData.Clear();
            initializer.RawData = ByteString.CopyFrom(raw);
        }
        return copy.ToByteArray();
    }
}
