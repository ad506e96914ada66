namespace MLNet.Cnn.Onnx;

/// <summary>
/// ONNX axes resolved against a rank (negative ones count from the end), and Squeeze and Unsqueeze on a shape, for float
/// views and int64 shape arithmetic alike.
/// </summary>
internal static class OnnxAxes
{
    /// <summary>Axis <paramref name="axis"/> of a tensor of rank <paramref name="rank"/> as 0 … rank − 1; <paramref name="node"/> names the node in the error.</summary>
    public static int Resolve(string node, long axis, int rank)
    {
        long at = axis < 0 ? axis + rank : axis;
        return at >= 0 && at < rank ? (int)at
            : throw new NotSupportedException($"ONNX node '{node}' names axis {axis} of a tensor of rank {rank}.");
    }

    /// <summary>Each of <paramref name="axes"/> resolved, in increasing order; an axis named twice is refused (ONNX forbids it).</summary>
    public static int[] Resolve(string node, long[] axes, int rank)
    {
        var resolved = axes.Select(a => Resolve(node, a, rank)).Order().ToArray();
        return resolved.Distinct().Count() == resolved.Length ? resolved
            : throw new NotSupportedException($"ONNX node '{node}' names an axis twice in [{string.Join(", ", axes)}].");
    }

    /// <summary>The node's shape change; its axes are an attribute before opset 13 and a constant input since.</summary>
    public static Func<int[], int[]> SqueezeOrUnsqueeze(OnnxNodeReader node, OnnxGraphImport graph)
    {
        var axes = graph.Opset >= 13 ? (node.Input(1) == "" ? null : graph.Integers(node, node.Input(1), "axes")) : node.Ints("axes");
        if (node.OpType == "Squeeze") return shape => Squeezed(node, shape, axes);
        if (axes is null) throw node.Unsupported("axes", "Unsqueeze needs axes");
        return shape => Unsqueezed(node, shape, axes);
    }

    private static int[] Unsqueezed(OnnxNodeReader node, int[] shape, long[] axes)
    {
        int rank = shape.Length + axes.Length;
        var dims = new List<int>(shape);
        foreach (int axis in Resolve(node.Name, axes, rank)) dims.Insert(axis, 1);
        return [.. dims];
    }

    // No axes: every axis of size 1.
    private static int[] Squeezed(OnnxNodeReader node, int[] shape, long[]? axes)
    {
        var removed = axes is null ? null : Resolve(node.Name, axes, shape.Length).ToHashSet();
        if (removed is not null && removed.Any(a => shape[a] != 1))
            throw new InvalidOperationException($"ONNX node '{node.Name}' (Squeeze) squeezes an axis not of size 1 of shape [{string.Join(", ", shape)}].");
        return shape.Where((d, i) => removed is null ? d != 1 : !removed.Contains(i)).ToArray();
    }
}
