namespace MLNet.Cnn.Onnx;

/// <summary>Squeeze and Unsqueeze on a shape, for float views and int64 shape arithmetic alike.</summary>
internal static class OnnxAxes
{
    /// <summary>The node's shape change; its axes are an attribute before opset 13 and a constant input since.</summary>
    public static Func<int[], int[]> SqueezeOrUnsqueeze(OnnxNodeReader node, OnnxGraphImport graph)
    {
        var axes = graph.Opset >= 13 ? (node.Input(1) == "" ? null : graph.Integers(node, node.Input(1), "axes")) : node.Ints("axes");
        if (node.OpType == "Squeeze") return shape => Squeezed(node, shape, axes);
        if (axes is null) throw node.Unsupported("axes", "Unsqueeze needs axes");
        return shape => Unsqueezed(shape, axes);
    }

    private static int[] Unsqueezed(int[] shape, long[] axes)
    {
        int rank = shape.Length + axes.Length;
        var dims = new List<int>(shape);
        foreach (int axis in axes.Select(a => (int)(a < 0 ? a + rank : a)).Order()) dims.Insert(axis, 1);
        return [.. dims];
    }

    // No axes: every axis of size 1.
    private static int[] Squeezed(OnnxNodeReader node, int[] shape, long[]? axes)
    {
        var removed = axes?.Select(a => (int)(a < 0 ? a + shape.Length : a)).ToHashSet();
        if (removed is not null && removed.Any(a => shape[a] != 1))
            throw new InvalidOperationException($"ONNX node '{node.Name}' (Squeeze) squeezes an axis not of size 1 of shape [{string.Join(", ", shape)}].");
        return shape.Where((d, i) => removed is null ? d != 1 : !removed.Contains(i)).ToArray();
    }
}
