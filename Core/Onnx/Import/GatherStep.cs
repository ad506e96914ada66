using MLNet.Cnn.Tensors;
using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;

namespace MLNet.Cnn.Onnx;

/// <summary>
/// Gather of a float tensor along one axis at constant indices (the rows, then the columns, of the core's nearest resize
/// to a fixed size; x[:, :, idx] in PyTorch): y[o, j, i] = x[o, idx[j], i], o running over the axes before
/// <paramref name="axis"/> and i over those after. Backward adds each ∂L/∂y[o, j, i] back onto x[o, idx[j], i].
/// </summary>
internal sealed class GatherStep(string node, string input, string output, long axis, IntTensor indices) : OnnxStep(node, [input], output)
{
    private Tensor? _output, _gradInput;
    private TensorShape _inputShape, _resolvedFor;
    private (int Axis, int[] Sources) _resolved;

    public override void Forward(OnnxValues values, bool training)
    {
        var x = values.Tensor(Inputs[0]);
        _inputShape = x.Shape;
        var (at, sources) = Resolve(x.Shape);
        var shape = Shape(x.Shape, at);
        if (_output is null || _output.Shape != shape) _output = new Tensor(shape);
        int inner = x.Shape.SizeFrom(at + 1), outer = x.Length / (x.Shape[at] * inner);
        for (int o = 0; o < outer; o++)
            for (int j = 0; j < sources.Length; j++)
                x.Span.Slice((o * x.Shape[at] + sources[j]) * inner, inner).CopyTo(_output.Span.Slice((o * sources.Length + j) * inner, inner));
        values.Set(Output, _output);
    }

    public override void InferShape(OnnxValues values)
    {
        var shape = values.ShapeOf(Inputs[0]);
        values.SetShape(Output, Shape(shape, Resolve(shape).Axis));
    }

    public override void Backward(OnnxGradients gradients)
    {
        if (gradients.Of(Output) is not { } dy) return;
        if (_gradInput is null || _gradInput.Shape != _inputShape) _gradInput = new Tensor(_inputShape);
        _gradInput.Clear();
        var (at, sources) = Resolve(_inputShape);
        int inner = _inputShape.SizeFrom(at + 1), outer = _inputShape.Length / (_inputShape[at] * inner);
        for (int o = 0; o < outer; o++)
            for (int j = 0; j < sources.Length; j++)
            {
                var into = _gradInput.Span.Slice((o * _inputShape[at] + sources[j]) * inner, inner);
                TensorPrimitives.Add(into, dy.Span.Slice((o * sources.Length + j) * inner, inner), into);
            }
        gradients.Accumulate(Inputs[0], _gradInput);
    }

    /// <summary>The axis and the indices for an input of this shape (negative ones count from the end), checked.</summary>
    private (int Axis, int[] Sources) Resolve(TensorShape input)
    {
        if (input == _resolvedFor) return _resolved;
        int at = OnnxAxes.Resolve(Node, axis, input.Rank);
        var sources = indices.Values.Select(i => (int)(i < 0 ? i + input[at] : i)).ToArray();
        if (sources.Any(i => i < 0 || i >= input[at]))
            throw new NotSupportedException($"ONNX node '{Node}' (op Gather): indices {indices} are out of range for axis {at} of {input}.");
        _resolvedFor = input;
        return _resolved = (at, sources);
    }

    private TensorShape Shape(TensorShape input, int at)
    {
        var dims = input.Dimensions;
        return new TensorShape([.. dims[..at], .. indices.Shape, .. dims[(at + 1)..]]);
    }
}
