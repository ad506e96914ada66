namespace MLNet.Cnn.Onnx;

/// <summary>
/// An int64 tensor of an ONNX graph's shape arithmetic (Shape → Gather → Concat → Reshape …): a few values, row-major.
/// A scalar has an empty <see cref="Shape"/>.
/// </summary>
internal sealed record IntTensor(long[] Values, int[] Shape)
{
    public static IntTensor Vector(params long[] values) => new(values, [values.Length]);

    public static IntTensor Scalar(long value) => new([value], []);

    public override string ToString() => $"[{string.Join(", ", Values)}]";
}
