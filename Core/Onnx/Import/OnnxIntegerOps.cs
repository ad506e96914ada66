namespace MLNet.Cnn.Onnx;

/// <summary>
/// The int64 ops PyTorch's exporter writes for shape arithmetic (e.g. x.view(x.size(0), -1) becomes Shape → Gather →
/// Unsqueeze → Concat → Reshape), as functions of the values of one pass. They work on the small 1-D (or scalar) tensors
/// that shape arithmetic uses.
/// </summary>
internal static class OnnxIntegerOps
{
    public static Func<OnnxValues, IntTensor> For(OnnxNodeReader node, OnnxGraphImport graph)
    {
        string x = node.Input(0);
        switch (node.OpType)
        {
            case "Shape":
            {
                long start = node.Int("start", 0);
                long? end = node.Has("end") ? node.Int("end", 0) : null;
                return v =>
                {
                    var dims = v.ShapeOf(x).Dimensions.ToArray().Select(d => (long)d).ToArray();
                    return IntTensor.Vector(dims[Range(start, end ?? dims.Length, dims.Length)]);
                };
            }
            case "Gather":
            {
                if (node.Int("axis", 0) != 0) throw node.Unsupported("axis", "only axis 0 is supported for int64 shape arithmetic");
                string indices = node.Input(1);
                return v =>
                {
                    var (data, at) = (OneD(node, v.Integers(x)), v.Integers(indices));
                    return new IntTensor(at.Values.Select(i => data[i < 0 ? i + data.Length : i]).ToArray(), at.Shape);
                };
            }
            case "Unsqueeze" or "Squeeze":
            {
                var reshape = OnnxAxes.SqueezeOrUnsqueeze(node, graph);
                return v =>
                {
                    var value = v.Integers(x);
                    return new IntTensor(value.Values, reshape(value.Shape));
                };
            }
            case "Concat":
            {
                if (node.Int("axis", 0) is not (0 or -1)) throw node.Unsupported("axis", "only axis 0 is supported for int64 shape arithmetic");
                var parts = node.Inputs.ToArray();
                return v => IntTensor.Vector(parts.SelectMany(p => OneD(node, v.Integers(p))).ToArray());
            }
            case "Slice":
            {
                string starts = node.Input(1), ends = node.Input(2), axes = node.Input(3), steps = node.Input(4);
                return v =>
                {
                    if (axes != "" && v.Integers(axes).Values.Any(a => a is not (0 or -1))) throw node.Unsupported("axes", "only axis 0 of a 1-D int64 tensor is supported");
                    if (steps != "" && v.Integers(steps).Values.Any(s => s != 1)) throw node.Unsupported("steps", "only step 1 is supported");
                    var data = OneD(node, v.Integers(x));
                    return IntTensor.Vector(data[Range(v.Integers(starts).Values[0], v.Integers(ends).Values[0], data.Length)]);
                };
            }
            case "Cast":
            {
                long to = node.Int("to", 0);
                if (to is not (6 or 7)) throw node.Unsupported("to", $"element type {to}; shape arithmetic is kept in int64 (int32 and int64 are supported)");
                return v => v.Integers(x);
            }
            case "Identity":
                return v => v.Integers(x);
            case "Add" or "Sub" or "Mul" or "Div":
            {
                string y = node.Input(1);
                Func<long, long, long> op = node.OpType switch
                {
                    "Add" => (a, b) => a + b,
                    "Sub" => (a, b) => a - b,
                    "Mul" => (a, b) => a * b,
                    _ => (a, b) => a / b, // integer division truncates, as ONNX Runtime's
                };
                return v => Elementwise(node, v.Integers(x), v.Integers(y), op);
            }
            default:
                throw new NotSupportedException($"ONNX node '{node.Name}': op type '{node.OpType}' is not supported on int64 (shape arithmetic) values.");
        }
    }

    /// <summary>ONNX's [start, end) on an axis of <paramref name="length"/>: negative counts from the end, both clamped.</summary>
    private static Range Range(long start, long end, int length)
    {
        static int Clamp(long i, int length) => (int)Math.Clamp(i < 0 ? i + length : i, 0, length);
        int from = Clamp(start, length);
        return from..Math.Max(from, Clamp(end, length));
    }

    private static long[] OneD(OnnxNodeReader node, IntTensor value) => value.Shape.Length <= 1 ? value.Values
        : throw new NotSupportedException($"ONNX node '{node.Name}' (op {node.OpType}): an int64 input of shape [{string.Join(", ", value.Shape)}]; shape arithmetic on 1-D values only is supported.");

    private static IntTensor Elementwise(OnnxNodeReader node, IntTensor a, IntTensor b, Func<long, long, long> op)
    {
        if (a.Values.Length == b.Values.Length) return new IntTensor(a.Values.Zip(b.Values, op).ToArray(), a.Shape.Length >= b.Shape.Length ? a.Shape : b.Shape);
        if (b.Values.Length == 1) return new IntTensor(a.Values.Select(x => op(x, b.Values[0])).ToArray(), a.Shape);
        if (a.Values.Length == 1) return new IntTensor(b.Values.Select(y => op(a.Values[0], y)).ToArray(), b.Shape);
        throw new NotSupportedException($"ONNX node '{node.Name}' (op {node.OpType}): int64 operands of {a.Values.Length} and {b.Values.Length} values do not broadcast.");
    }
}
