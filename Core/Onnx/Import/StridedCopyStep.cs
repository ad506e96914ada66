using MLNet.Cnn.Tensors;

namespace MLNet.Cnn.Onnx;

/// <summary>
/// Which input elements a <see cref="StridedCopyStep"/> copies: output element j (row-major over <see cref="Walk"/>,
/// the output's values in order) is x[<see cref="Start"/> + Σₖ jₖ·<see cref="Strides"/>[k]]; the output has shape
/// <see cref="Output"/>, of as many elements as <see cref="Walk"/>. A slice has steps in its strides, a transpose
/// permuted strides, a broadcast (Expand) stride 0 on the axes it repeats along, Tile both a repeat axis of stride 0 and
/// the input's axis for each axis.
/// </summary>
internal sealed record StridedView(int[] Output, int[] Walk, int[] Strides, int Start)
{
    public bool Equals(StridedView? other) => other is not null && Start == other.Start && Output.SequenceEqual(other.Output)
        && Walk.SequenceEqual(other.Walk) && Strides.SequenceEqual(other.Strides);

    public override int GetHashCode() => HashCode.Combine(Start, Output.Length, Walk.Length);
}

/// <summary>
/// A node that moves or repeats the values of a float tensor (Slice, each output of Split, Transpose, Expand, Tile):
/// y[j] = x[s(j)] for the <see cref="StridedView"/> <paramref name="view"/> gives for the input's shape and the pass's
/// int64 values. Backward adds each ∂L/∂y[j] onto ∂L/∂x[s(j)] (several times where the op repeats an element).
/// </summary>
internal sealed class StridedCopyStep(string node, string[] inputs, string output, Func<TensorShape, OnnxValues, StridedView> view)
    : OnnxStep(node, inputs, output)
{
    private Tensor? _output, _gradInput;
    private TensorShape _inputShape;
    private StridedView? _mapped;
    private int[] _sources = [];

    public override void Forward(OnnxValues values, bool training)
    {
        var x = values.Tensor(Inputs[0]);
        _inputShape = x.Shape;
        var sources = Sources(x.Shape, values);
        var shape = new TensorShape(_mapped!.Output);
        if (_output is null || _output.Shape != shape) _output = new Tensor(shape);
        Span<float> from = x.Span, to = _output.Span;
        for (int j = 0; j < to.Length; j++) to[j] = from[sources[j]];
        values.Set(Output, _output);
    }

    public override void InferShape(OnnxValues values) => values.SetShape(Output, new TensorShape(view(values.ShapeOf(Inputs[0]), values).Output));

    public override void Backward(OnnxGradients gradients)
    {
        if (gradients.Of(Output) is not { } dy) return;
        if (_gradInput is null || _gradInput.Shape != _inputShape) _gradInput = new Tensor(_inputShape);
        _gradInput.Clear();
        Span<float> into = _gradInput.Span, from = dy.Span;
        for (int j = 0; j < from.Length; j++) into[_sources[j]] += from[j];
        gradients.Accumulate(Inputs[0], _gradInput);
    }

    /// <summary>For each output element, the input element it copies (kept while the view stays the same).</summary>
    private int[] Sources(TensorShape input, OnnxValues values)
    {
        var current = view(input, values);
        if (current.Equals(_mapped)) return _sources;
        _mapped = current;
        return _sources = StridedOffsets.Of(new TensorShape(current.Walk), current.Strides, current.Start);
    }
}
