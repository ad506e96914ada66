using System.Runtime.InteropServices;
using Google.Protobuf;
using MLNet.Cnn.Onnx.Proto;
using DataType = MLNet.Cnn.Onnx.Proto.TensorProto.Types.DataType;

namespace MLNet.Cnn.Onnx.Quantization;

/// <summary>Initializers (raw little-endian data) and QuantizeLinear / DequantizeLinear nodes for the QDQ graph.</summary>
internal static class QdqTensors
{
    public static TensorProto Float(string name, float[] values, params long[] dims) => Raw(name, DataType.Float, MemoryMarshal.AsBytes(values.AsSpan()), dims);

    public static TensorProto Int8(string name, sbyte[] values, params long[] dims) => Raw(name, DataType.Int8, MemoryMarshal.AsBytes(values.AsSpan()), dims);

    public static TensorProto UInt8(string name, byte[] values, params long[] dims) => Raw(name, DataType.Uint8, values, dims);

    public static TensorProto Int32(string name, int[] values, params long[] dims) => Raw(name, DataType.Int32, MemoryMarshal.AsBytes(values.AsSpan()), dims);

    /// <summary>A QuantizeLinear or DequantizeLinear node; <paramref name="axis"/> for per-channel parameters.</summary>
    public static NodeProto Node(string op, string input, string scale, string zeroPoint, string output, int? axis = null)
    {
        var node = new NodeProto { Name = output, OpType = op };
        node.Input.AddRange([input, scale, zeroPoint]);
        node.Output.Add(output);
        if (axis is int a) node.Attribute.Add(new AttributeProto { Name = "axis", Type = AttributeProto.Types.AttributeType.Int, I = a });
        return node;
    }

    private static TensorProto Raw(string name, DataType type, ReadOnlySpan<byte> bytes, IEnumerable<long> dims)
    {
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("ONNX raw_data is little-endian.");
        var tensor = new TensorProto { Name = name, DataType = (int)type, RawData = ByteString.CopyFrom(bytes) };
        tensor.Dims.AddRange(dims);
        return tensor;
    }
}
