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
                // allowzero = 1 makes a 0 in the target an empty axis, which the core's tensors cannot have; without a 0 it changes nothing.
                bool allowZero = node.Int("allowzero", 0) != 0;
                string target = node.Input(1);
                long? exportBatch = graph.IsConstant(target) ? graph.FixedBatch : null;
                return (input, values) =>
                {
                    var dims = values.Integers(target).Values;
                    if (allowZero && dims.Contains(0))
                        throw node.Unsupported("allowzero", $"1 with the target [{string.Join(", ", dims)}]: an empty axis, which the core's tensors cannot have");
                    return Reshaped(input, WithBatch(dims, input, exportBatch));
                };
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

    /// <summary>
    /// A graph exported with a fixed batch B (its input declares dim 0 = B) holds constant Reshape targets [B, …], e.g. the
    /// [1, 512] before a classifier. Run at another batch, the B there means the batch: it becomes the input's dim 0. Targets
    /// computed from Shape already follow the batch.
    /// </summary>
    private static long[] WithBatch(long[] target, TensorShape input, long? exportBatch)
    {
        if (exportBatch is not long batch || target.Length == 0 || target[0] != batch || input.Rank == 0 || input[0] == batch) return target;
        var freed = (long[])target.Clone();
        freed[0] = input[0];
        return freed;
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
