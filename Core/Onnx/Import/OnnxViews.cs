using MLNet.Cnn.Tensors;

namespace MLNet.Cnn.Onnx;

/// <summary>
/// The output shape of the ONNX ops that reshape a float tensor without moving its values, as a function of the input
/// shape and the pass's int64 values, for <see cref="ViewStep"/>.
/// </summary>
internal static class OnnxViews
{
    public static Func<TensorShape, OnnxValues, int[]> For(OnnxNodeReader node, OnnxGraphImport graph)
    {
        switch (node.OpType)
        {
            case "Reshape":
            {
                if (node.Int("allowzero", 0) != 0) throw node.Unsupported("allowzero", "1; a 0 in the target shape must copy the input's dim");
                string target = node.Input(1);
                return (input, values) => Reshaped(input, values.Integers(target).Values);
            }
            case "Flatten":
            {
                long axis = node.Int("axis", 1);
                return (input, _) =>
                {
                    int at = (int)(axis < 0 ? axis + input.Rank : axis);
                    return [input.Length / Math.Max(1, input.SizeFrom(at)), input.SizeFrom(at)];
                };
            }
            case "Squeeze" or "Unsqueeze":
            {
                var reshape = OnnxAxes.SqueezeOrUnsqueeze(node, graph);
                return (input, _) => reshape(input.Dimensions.ToArray());
            }
            default: // Identity
                return (input, _) => input.Dimensions.ToArray();
        }
    }

    // 0 copies the input's dim at that position, −1 takes what is left.
    private static int[] Reshaped(TensorShape input, long[] target)
    {
        var dims = target.Select((d, i) => d == 0 ? input[i] : (int)d).ToArray();
        int unknown = Array.IndexOf(dims, -1);
        if (unknown >= 0) dims[unknown] = input.Length / Math.Max(1, dims.Where(d => d != -1).Aggregate(1, (a, d) => a * d));
        return dims;
    }
}
