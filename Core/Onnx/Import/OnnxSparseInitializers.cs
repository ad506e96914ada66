using System.Buffers.Binary;
using Google.Protobuf;
using MLNet.Cnn.Onnx.Proto;
using DataType = MLNet.Cnn.Onnx.Proto.TensorProto.Types.DataType;

namespace MLNet.Cnn.Onnx;

/// <summary>
/// A graph's sparse initializers (a pruned weight stored as its non-zero values and their indices) turned into ordinary
/// dense float initializers before import: the network trains every weight, so a pruned one becomes dense again.
/// </summary>
internal static class OnnxSparseInitializers
{
    // A dense tensor beyond this many floats (1 GiB) from a sparse one is refused: a few bytes of file must not become gigabytes.
    private const long MaxDense = 1L << 28;

    public static void Densify(GraphProto graph)
    {
        foreach (var sparse in graph.SparseInitializer) graph.Initializer.Add(Dense(sparse));
        graph.SparseInitializer.Clear();
    }

    private static TensorProto Dense(SparseTensorProto sparse)
    {
        var values = sparse.Values ?? throw new InvalidDataException("An ONNX sparse initializer has no values.");
        string name = values.Name;
        if (!OnnxTensorData.IsFloat(values))
            throw new NotSupportedException($"ONNX sparse initializer '{name}' has element type {(DataType)values.DataType}; only float sparse weights are supported.");
        long size = 1;
        foreach (long d in sparse.Dims)
        {
            if (d < 0) throw new InvalidDataException($"ONNX sparse initializer '{name}' has dims [{string.Join(", ", sparse.Dims)}]; a dimension cannot be negative.");
            size = Math.Min(size * d, MaxDense + 1);
        }
        if (size > MaxDense) throw new NotSupportedException($"ONNX sparse initializer '{name}' has dims [{string.Join(", ", sparse.Dims)}], more than {MaxDense} values once dense.");

        float[] nonZero = OnnxTensorData.Floats(values);
        long[] positions = Positions(sparse, name, nonZero.Length);
        var dense = new float[size];
        for (int i = 0; i < nonZero.Length; i++)
        {
            if (positions[i] < 0 || positions[i] >= size)
                throw new InvalidDataException($"ONNX sparse initializer '{name}' has index {positions[i]} outside its {size} values.");
            dense[positions[i]] = nonZero[i];
        }
        var tensor = new TensorProto { Name = name, DataType = (int)DataType.Float };
        tensor.Dims.AddRange(sparse.Dims);
        var raw = new byte[dense.Length * sizeof(float)];
        for (int i = 0; i < dense.Length; i++) BinaryPrimitives.WriteSingleLittleEndian(raw.AsSpan(4 * i), dense[i]);
        tensor.RawData = ByteString.CopyFrom(raw);
        return tensor;
    }

    /// <summary>The row-major position of each value: indices are [NNZ] positions already, or [NNZ, rank] coordinates.</summary>
    private static long[] Positions(SparseTensorProto sparse, string name, int count)
    {
        var indices = sparse.Indices ?? throw new InvalidDataException($"ONNX sparse initializer '{name}' has no indices.");
        long[] raw = OnnxTensorData.Integers(indices);
        int rank = sparse.Dims.Count;
        if (raw.Length == count) return raw;
        if (raw.Length != (long)count * rank)
            throw new InvalidDataException($"ONNX sparse initializer '{name}' has {raw.Length} indices for {count} values of rank {rank}.");
        var positions = new long[count];
        for (int i = 0; i < count; i++)
            for (int axis = 0; axis < rank; axis++)
            {
                long coordinate = raw[i * rank + axis];
                if (coordinate < 0 || coordinate >= sparse.Dims[axis])
                    throw new InvalidDataException($"ONNX sparse initializer '{name}' has coordinate {coordinate} outside axis {axis} of [{string.Join(", ", sparse.Dims)}].");
                positions[i] = positions[i] * sparse.Dims[axis] + coordinate;
            }
        return positions;
    }
}
