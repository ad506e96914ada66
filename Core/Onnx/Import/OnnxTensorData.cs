using System.Buffers.Binary;
using MLNet.Cnn.Onnx.Proto;
using DataType = MLNet.Cnn.Onnx.Proto.TensorProto.Types.DataType;

namespace MLNet.Cnn.Onnx;

/// <summary>The values of an ONNX TensorProto (raw little-endian bytes or the typed repeated fields) as floats or integers.</summary>
internal static class OnnxTensorData
{
    public static int[] Dims(TensorProto tensor) => tensor.Dims.Select(d => checked((int)d)).ToArray();

    public static bool IsFloat(TensorProto tensor) => tensor.DataType == (int)DataType.Float;

    /// <summary>Replaces a float tensor's values, written as raw little-endian bytes.</summary>
    public static void SetFloats(TensorProto tensor, ReadOnlySpan<float> values)
    {
        var raw = new byte[values.Length * sizeof(float)];
        for (int i = 0; i < values.Length; i++) BinaryPrimitives.WriteSingleLittleEndian(raw.AsSpan(4 * i), values[i]);
        tensor.FloatData.Clear();
        tensor.RawData = Google.Protobuf.ByteString.CopyFrom(raw);
    }

    public static bool IsInteger(TensorProto tensor) => tensor.DataType is (int)DataType.Int64 or (int)DataType.Int32;

    public static float[] Floats(TensorProto tensor)
    {
        if (!IsFloat(tensor)) throw Unsupported(tensor, "float32");
        if (tensor.RawData.IsEmpty) return Checked(tensor, tensor.FloatData.ToArray());
        var raw = tensor.RawData.Span;
        var values = new float[raw.Length / sizeof(float)];
        for (int i = 0; i < values.Length; i++) values[i] = BinaryPrimitives.ReadSingleLittleEndian(raw[(4 * i)..]);
        return Checked(tensor, values);
    }

    public static long[] Integers(TensorProto tensor)
    {
        if (!IsInteger(tensor)) throw Unsupported(tensor, "int64 or int32");
        bool wide = tensor.DataType == (int)DataType.Int64;
        var raw = tensor.RawData.Span;
        if (raw.IsEmpty) return Checked(tensor, wide ? tensor.Int64Data.ToArray() : tensor.Int32Data.Select(v => (long)v).ToArray());
        var values = new long[raw.Length / (wide ? 8 : 4)];
        for (int i = 0; i < values.Length; i++)
            values[i] = wide ? BinaryPrimitives.ReadInt64LittleEndian(raw[(8 * i)..]) : BinaryPrimitives.ReadInt32LittleEndian(raw[(4 * i)..]);
        return Checked(tensor, values);
    }

    /// <summary>The values, checked against the dims: a tensor whose data is in an external file holds none here.</summary>
    private static T[] Checked<T>(TensorProto tensor, T[] values)
    {
        long expected = tensor.Dims.Aggregate(1L, (a, d) => a * d);
        return values.Length == expected ? values
            : throw new NotSupportedException($"ONNX tensor '{tensor.Name}' holds {values.Length} values for dims [{string.Join(", ", tensor.Dims)}]; " +
                "its data may be in an external file, which is not supported (only models with their weights inside).");
    }

    private static NotSupportedException Unsupported(TensorProto tensor, string expected) =>
        new($"ONNX tensor '{tensor.Name}' has element type {(DataType)tensor.DataType}; expected {expected}.");
}
