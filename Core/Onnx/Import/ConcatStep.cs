using MLNet.Cnn.Tensors;

namespace MLNet.Cnn.Onnx;

/// <summary>
/// Concat of float values, computed or constant, along any axis (negative counts from the end): the channel joins of
/// fire modules, Inception and DenseNet, a class token before a sequence. Viewed as [outer, dᵢ·inner] around the axis,
/// part i is copied block by block into the output [outer, Σdᵢ·inner]; backward copies the blocks of ∂L/∂y back out to
/// the computed parts.
/// </summary>
internal sealed class ConcatStep(string node, OnnxOperand[] parts, string output, long axis) : OnnxStep(node, OnnxOperand.ComputedOf(parts), output)
{
    private Tensor? _output;
    private Tensor?[] _gradParts = new Tensor?[parts.Length];

    public override void Forward(OnnxValues values, bool training)
    {
        var tensors = parts.Select(p => p.Computed is null ? null : values.Tensor(p.Computed)).ToArray();
        var shapes = tensors.Select((t, i) => t?.Shape.Dimensions.ToArray() ?? parts[i].ConstantDims).ToArray();
        var (shape, at) = Shape(shapes);
        if (_output is null || _output.Shape != shape) _output = new Tensor(shape);
        int outer = shape.Length / shape.SizeFrom(at), outBlock = shape.SizeFrom(at), offset = 0;
        var y = _output.Span;
        for (int i = 0; i < parts.Length; i++)
        {
            if (tensors[i] is { } t && _gradParts[i]?.Shape != t.Shape) _gradParts[i] = new Tensor(t.Shape);
            ReadOnlySpan<float> x = tensors[i] is { } computed ? computed.Span : parts[i].Constant;
            int block = x.Length / outer;
            for (int o = 0; o < outer; o++) x.Slice(o * block, block).CopyTo(y.Slice(o * outBlock + offset, block));
            offset += block;
        }
        values.Set(Output, _output);
    }

    public override void InferShape(OnnxValues values) =>
        values.SetShape(Output, Shape(parts.Select(p => p.Computed is null ? p.ConstantDims : values.ShapeOf(p.Computed).Dimensions.ToArray()).ToArray()).Shape);

    public override void Backward(OnnxGradients gradients)
    {
        if (gradients.Of(Output) is not { } dy) return;
        int at = OnnxAxes.Resolve(Node, axis, dy.Shape.Rank);
        int outer = dy.Length / dy.Shape.SizeFrom(at), outBlock = dy.Shape.SizeFrom(at), offset = 0;
        for (int i = 0; i < parts.Length; i++)
        {
            var dims = parts[i].ConstantDims;
            if (parts[i].Computed is not null)
            {
                var grad = _gradParts[i] ?? throw new InvalidOperationException($"ONNX node '{Node}': Backward needs a forward pass first.");
                dims = grad.Shape.Dimensions.ToArray();
                int part = grad.Length / outer;
                for (int o = 0; o < outer; o++) dy.Span.Slice(o * outBlock + offset, part).CopyTo(grad.Span.Slice(o * part, part));
                gradients.Accumulate(parts[i].Computed!, grad);
            }
            offset += dims.Aggregate(1, (a, d) => a * d) / outer;
        }
    }

    /// <summary>The output's shape and the resolved axis; the parts must agree on every other axis.</summary>
    private (TensorShape Shape, int Axis) Shape(int[][] shapes)
    {
        int rank = shapes[0].Length, at = OnnxAxes.Resolve(Node, axis, rank);
        var dims = shapes[0].ToArray();
        dims[at] = shapes.Sum(s => s.Length == rank ? s[at] : 0);
        if (shapes.Any(s => s.Length != rank || s.Where((d, k) => k != at && d != dims[k]).Any()))
            throw new NotSupportedException($"ONNX node '{Node}' (op Concat) joins shapes {string.Join(", ", shapes.Select(Broadcasting.Format))} along axis {axis}; they must agree on every other axis.");
        return (new TensorShape(dims), at);
    }
}
