using MLNet.Cnn.Tensors;

namespace MLNet.Cnn.Onnx;

/// <summary>The elements start, start + step, … (count of them) of one axis; step may be negative.</summary>
internal readonly record struct AxisRange(int Axis, int Start, int Count, int Step);

/// <summary>
/// A strided slice of a float tensor (Slice; each output of Split): y[j] = x[i] with iₖ = startₖ + jₖ·stepₖ on each sliced
/// axis k and iₖ = jₖ on the others. <paramref name="ranges"/> gives the ranges for an input shape, resolved on each pass
/// (ends counted from the end, clamping and equal splits need the dimension). Backward scatters ∂L/∂y into a zero ∂L/∂x.
/// </summary>
internal sealed class SliceStep(string node, string input, string output, Func<TensorShape, AxisRange[]> ranges)
    : OnnxStep(node, [input], output)
{
    private Tensor? _output, _gradInput;
    private TensorShape _inputShape, _mappedFor, _outputShape;
    private int[] _sources = [];

    public override void Forward(OnnxValues values, bool training)
    {
        var x = values.Tensor(Inputs[0]);
        _inputShape = x.Shape;
        var sources = Sources(x.Shape);
        if (_output is null || _output.Shape != _outputShape) _output = new Tensor(_outputShape);
        Span<float> from = x.Span, to = _output.Span;
        for (int j = 0; j < to.Length; j++) to[j] = from[sources[j]];
        values.Set(Output, _output);
    }

    public override void InferShape(OnnxValues values) => values.SetShape(Output, Shape(values.ShapeOf(Inputs[0]), ranges(values.ShapeOf(Inputs[0]))));

    public override void Backward(OnnxGradients gradients)
    {
        if (gradients.Of(Output) is not { } dy) return;
        if (_gradInput is null || _gradInput.Shape != _inputShape) _gradInput = new Tensor(_inputShape);
        _gradInput.Clear();
        var sources = Sources(_inputShape);
        Span<float> into = _gradInput.Span, from = dy.Span;
        for (int j = 0; j < from.Length; j++) into[sources[j]] = from[j]; // a slice reads each element at most once
        gradients.Accumulate(Inputs[0], _gradInput);
    }

    private TensorShape Shape(TensorShape input, AxisRange[] ranges)
    {
        var dims = input.Dimensions.ToArray();
        foreach (var r in ranges)
            dims[r.Axis] = r.Count > 0 ? r.Count
                : throw new NotSupportedException($"ONNX node '{Node}' takes an empty range of axis {r.Axis} of {input}; the core's tensors have no empty axis.");
        return new TensorShape(dims);
    }

    /// <summary>For each output element, the input element it copies (also sets the output shape).</summary>
    private int[] Sources(TensorShape input)
    {
        if (input == _mappedFor) return _sources;
        var resolved = ranges(input);
        var strides = StridedOffsets.RowMajor(input);
        int start = 0;
        foreach (var r in resolved)
        {
            start += r.Start * strides[r.Axis];
            strides[r.Axis] *= r.Step;
        }
        _outputShape = Shape(input, resolved);
        _mappedFor = input;
        return _sources = StridedOffsets.Of(_outputShape, strides, start);
    }
}
