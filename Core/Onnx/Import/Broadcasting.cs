namespace MLNet.Cnn.Onnx;

/// <summary>
/// ONNX's multidirectional (NumPy) broadcasting: shapes align at their last axes; on each axis the dims are equal or 1,
/// and the result takes the larger. An operand is read through strides over the result's axes, 0 on an axis it
/// broadcasts along (dim 1, or missing in front), so result element j reads operand element Σₖ jₖ·strideₖ. Shared by the
/// element-wise joins, Expand, PRelu and the batch axes of MatMul.
/// </summary>
internal static class Broadcasting
{
    /// <summary>The broadcast shape of <paramref name="shapes"/>; refuses shapes that do not broadcast, naming the node.</summary>
    public static int[] Shape(string node, string op, params IReadOnlyList<int[]> shapes)
    {
        int rank = shapes.Max(s => s.Length);
        var result = new int[rank];
        for (int k = 0; k < rank; k++)
        {
            int dim = 1;
            foreach (var shape in shapes)
            {
                int at = k - (rank - shape.Length), d = at >= 0 ? shape[at] : 1;
                if (d == 1 || d == dim) continue;
                if (dim != 1)
                    throw new NotSupportedException($"ONNX node '{node}' (op {op}): shapes {string.Join(" and ", shapes.Select(Format))} do not broadcast " +
                        "(aligned at their last axes, each dim must be 1 or the others').");
                dim = d;
            }
            result[k] = dim;
        }
        return result;
    }

    /// <summary>
    /// The strides through which an operand of shape <paramref name="operand"/> is read over the axes of
    /// <paramref name="result"/> (a shape it broadcasts to): its row-major stride, or 0 where it has dim 1 or no axis.
    /// </summary>
    public static int[] Strides(int[] operand, int[] result)
    {
        var strides = new int[result.Length];
        int offset = result.Length - operand.Length, stride = 1;
        for (int k = operand.Length - 1; k >= 0; k--)
        {
            strides[offset + k] = operand[k] == 1 ? 0 : stride;
            stride *= operand[k];
        }
        return strides;
    }

    public static string Format(int[] shape) => $"[{string.Join(", ", shape)}]";
}
