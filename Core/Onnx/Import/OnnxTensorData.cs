using System.Buffers.Binary;
using MLNet.Cnn.Onnx.Proto;
using DataType = MLNet.Cnn.Onnx.Proto.TensorProto.Types.DataType;

namespace MLNet.Cnn.Onnx;

/// <summary>The values of an ONNX TensorProto (raw little-endian bytes or the typed repeated fields) as floats or integers.</summary>
internal static class OnnxTensorData
{
    /// <summary>
    /// The dims as ints, checked against the values the tensor holds: a layer is built to the size of its initializer, so a
    /// damaged dim must be refused here, before it becomes an allocation. A negative dim is damage; one past int.MaxValue,
    /// or dims without their values here (data in an external file), are not supported.
    /// </summary>
    public static int[] Dims(TensorProto tensor)
    {
        string Listed() => string.Join(", ", tensor.Dims);
        var dims = tensor.Dims.Select(d => d switch
        {
            < 0 => throw new InvalidDataException($"ONNX tensor '{tensor.Name}' has dims [{Listed()}]; a dimension cannot be negative."),
            > int.MaxValue => throw new NotSupportedException($"ONNX tensor '{tensor.Name}' has dims [{Listed()}], beyond what a tensor holds."),
            _ => (int)d,
        }).ToArray();
        if (Held(tensor) is long held and >= 0)
        {
            // The product stops growing once it passes the values there are, so that huge dims cannot overflow it.
            long count = dims.Contains(0) ? 0 : 1;
            foreach (int d in dims) count = Math.Min(count * d, held + 1);
            if (count != held)
                throw new NotSupportedException($"ONNX tensor '{tensor.Name}' holds {held} values for dims [{Listed()}]; " +
                    "its data may be in an external file, which is not supported (only models with their weights inside).");
        }
        return dims;
    }

    /// <summary>The number of values a tensor of a real number type holds (raw or typed); −1 for other element types.</summary>
    private static long Held(TensorProto tensor) => (DataType)tensor.DataType switch
    {
        DataType.Float => tensor.RawData.IsEmpty ? tensor.FloatData.Count : tensor.RawData.Length / sizeof(float),
        DataType.Int64 => tensor.RawData.IsEmpty ? tensor.Int64Data.Count : tensor.RawData.Length / sizeof(long),
        DataType.Int32 => tensor.RawData.IsEmpty ? tensor.Int32Data.Count : tensor.RawData.Length / sizeof(int),
        DataType.Double => tensor.RawData.IsEmpty ? tensor.DoubleData.Count : tensor.RawData.Length / sizeof(double),
        DataType.Uint64 or DataType.Uint32 => tensor.RawData.IsEmpty ? tensor.Uint64Data.Count
            : tensor.RawData.Length / (tensor.DataType == (int)DataType.Uint64 ? sizeof(ulong) : sizeof(uint)),
        DataType.Int16 or DataType.Uint16 => tensor.RawData.IsEmpty ? tensor.Int32Data.Count : tensor.RawData.Length / sizeof(short),
        DataType.Int8 or DataType.Uint8 => tensor.RawData.IsEmpty ? tensor.Int32Data.Count : tensor.RawData.Length,
        _ => -1,
    };

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

    /// <summary>
    /// The values of a tensor of any real number type (float, double, signed or unsigned integers of 8 to 64 bits) as floats,
    /// rounded to the nearest: a constant operand that ONNX allows in any numeric type (Pow's exponent).
    /// </summary>
    public static float[] Numbers(TensorProto tensor)
    {
        var type = (DataType)tensor.DataType;
        if (type == DataType.Float) return Floats(tensor);
        if (type is DataType.Int64 or DataType.Int32) return Integers(tensor).Select(v => (float)v).ToArray();
        var raw = tensor.RawData.Span;
        float[] values = type switch
        {
            DataType.Double when raw.IsEmpty => tensor.DoubleData.Select(v => (float)v).ToArray(),
            DataType.Uint64 when raw.IsEmpty => tensor.Uint64Data.Select(v => (float)v).ToArray(),
            DataType.Int8 or DataType.Uint8 or DataType.Int16 or DataType.Uint16 when raw.IsEmpty => tensor.Int32Data.Select(v => (float)v).ToArray(),
            DataType.Uint32 when raw.IsEmpty => tensor.Uint64Data.Select(v => (float)v).ToArray(),
            DataType.Double => Raw(raw, 8, b => (float)BinaryPrimitives.ReadDoubleLittleEndian(b)),
            DataType.Uint64 => Raw(raw, 8, b => (float)BinaryPrimitives.ReadUInt64LittleEndian(b)),
            DataType.Uint32 => Raw(raw, 4, b => (float)BinaryPrimitives.ReadUInt32LittleEndian(b)),
            DataType.Int16 => Raw(raw, 2, b => (float)BinaryPrimitives.ReadInt16LittleEndian(b)),
            DataType.Uint16 => Raw(raw, 2, b => (float)BinaryPrimitives.ReadUInt16LittleEndian(b)),
            DataType.Int8 => Raw(raw, 1, b => (float)(sbyte)b[0]),
            DataType.Uint8 => Raw(raw, 1, b => (float)b[0]),
            _ => throw Unsupported(tensor, "a real number type"),
        };
        return Checked(tensor, values);
    }

    private delegate float ReadValue(ReadOnlySpan<byte> bytes);

    private static float[] Raw(ReadOnlySpan<byte> raw, int size, ReadValue read)
    {
        var values = new float[raw.Length / size];
        for (int i = 0; i < values.Length; i++) values[i] = read(raw.Slice(size * i, size));
        return values;
    }

    /// <summary>The values, checked against the dims (<see cref="Dims"/>).</summary>
    private static T[] Checked<T>(TensorProto tensor, T[] values)
    {
        Dims(tensor);
        return values;
    }

    private static NotSupportedException Unsupported(TensorProto tensor, string expected) =>
        new($"ONNX tensor '{tensor.Name}' has element type {(DataType)tensor.DataType}; expected {expected}.");
}
