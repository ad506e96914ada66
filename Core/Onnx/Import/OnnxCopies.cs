using MLNet.Cnn.Tensors;

namespace MLNet.Cnn.Onnx;

/// <summary>Transpose, Expand and Tile of a float tensor as <see cref="StridedCopyStep"/>s.</summary>
internal static class OnnxCopies
{
    /// <summary>Transpose: output axis k is input axis perm[k] (perm defaults to the axes reversed).</summary>
    public static StridedCopyStep Transpose(string node, string input, string output, long[]? perm) =>
        new(node, [input], output, (shape, _) =>
        {
            var axes = perm ?? Enumerable.Range(0, shape.Rank).Reverse().Select(a => (long)a).ToArray();
            if (axes.Length != shape.Rank || !axes.Order().SequenceEqual(Enumerable.Range(0, shape.Rank).Select(a => (long)a)))
                throw new NotSupportedException($"ONNX node '{node}' (op Transpose): perm [{string.Join(", ", axes)}] is not a permutation of the axes of {shape}.");
            var strides = StridedOffsets.RowMajor(shape);
            var dims = axes.Select(a => shape[(int)a]).ToArray();
            return new StridedView(dims, dims, axes.Select(a => strides[(int)a]).ToArray(), 0);
        });

    /// <summary>Expand: the input broadcast (<see cref="Broadcasting"/>) with the int64 shape of input 1.</summary>
    public static StridedCopyStep Expand(OnnxNodeReader node, string[] inputs)
    {
        string shape = node.Input(1);
        return new StridedCopyStep(node.Name, inputs, node.Output, (input, values) =>
        {
            var dims = input.Dimensions.ToArray();
            var result = Broadcasting.Shape(node.Name, node.OpType, dims, values.Integers(shape).Values.Select(d => checked((int)d)).ToArray());
            return new StridedView(result, result, Broadcasting.Strides(dims, result), 0);
        });
    }

    /// <summary>
    /// Tile: axis k repeated repeats[k] = rₖ times. Walking [r₀, d₀, r₁, d₁, …] with strides 0, s₀, 0, s₁, … (copy a,
    /// element i of each axis) visits the output [r₀·d₀, r₁·d₁, …] in row-major order: its index on axis k is a·dₖ + i.
    /// </summary>
    public static StridedCopyStep Tile(OnnxNodeReader node, string[] inputs)
    {
        string repeats = node.Input(1);
        return new StridedCopyStep(node.Name, inputs, node.Output, (input, values) =>
        {
            var times = values.Integers(repeats).Values;
            if (times.Length != input.Rank || times.Any(t => t < 1))
                throw node.Unsupported("repeats", $"[{string.Join(", ", times)}] for an input of {input}; one repeat of at least 1 per axis is supported (0 would leave an empty tensor)");
            var strides = StridedOffsets.RowMajor(input);
            var walk = Enumerable.Range(0, input.Rank).SelectMany(k => new[] { (int)times[k], input[k] }).ToArray();
            var walkStrides = Enumerable.Range(0, input.Rank).SelectMany(k => new[] { 0, strides[k] }).ToArray();
            return new StridedView(Enumerable.Range(0, input.Rank).Select(k => checked((int)times[k] * input[k])).ToArray(), walk, walkStrides, 0);
        });
    }
}
