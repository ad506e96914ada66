using MLNet.Cnn.Tensors;

namespace MLNet.Cnn.Onnx;

/// <summary>
/// ReduceSum, ReduceMean, ReduceMax or ReduceL2 of a float tensor over any of its axes (ConvNeXt's and MnasNet's pooling,
/// a mean over the crops of a ten-crop): y[j] = reduce over the elements x[i] whose index i agrees with j on the kept axes.
/// The axes are resolved against the input's rank on each pass; the output keeps a reduced axis as size 1 when keepdims
/// is 1 (the default), else drops it. Forward and backward are those of the <see cref="Reduction"/>.
/// </summary>
internal sealed class ReduceStep(string node, string input, string output, Reduction reduction, long[]? axes, bool keepDims)
    : OnnxStep(node, [input], output)
{
    private Tensor? _x, _output, _gradInput;
    private TensorShape _mappedFor;
    private int[] _targets = [];

    /// <summary>
    /// The step of a Reduce node. Its axes are the attribute before opset 18 (13 for ReduceSum) and a constant int64 input
    /// since; none means every axis, unless noop_with_empty_axes = 1, when the node passes its input through.
    /// </summary>
    public static OnnxStep Create(OnnxNodeReader node, OnnxGraphImport graph)
    {
        bool axesInput = graph.Opset >= (node.OpType == "ReduceSum" ? 13 : 18);
        var axes = !axesInput ? node.Ints("axes") : node.Input(1) == "" ? null : graph.Integers(node, node.Input(1), "axes");
        if (axes is []) axes = null;
        bool keepDims = node.Int("keepdims", 1) != 0;
        if (node.Int("noop_with_empty_axes", 0) != 0 && axes is null)
            return new ViewStep(node.Name, [node.Input(0)], node.Output, (shape, _) => shape.Dimensions.ToArray());
        return new ReduceStep(node.Name, node.Input(0), node.Output, Reduction.For(node), axes, keepDims);
    }

    public override void Forward(OnnxValues values, bool training)
    {
        var x = values.Tensor(Inputs[0]);
        var shape = Shape(x.Shape);
        if (_output is null || _output.Shape != shape) _output = new Tensor(shape);
        reduction.Forward(x.Span, Targets(x.Shape), _output.Span);
        _x = training ? x : null; // backward reads x (ReduceMax, ReduceL2); inference holds no reference to it
        values.Set(Output, _output);
    }

    public override void InferShape(OnnxValues values) => values.SetShape(Output, Shape(values.ShapeOf(Inputs[0])));

    public override void Backward(OnnxGradients gradients)
    {
        if (gradients.Of(Output) is not { } dy) return;
        var x = _x ?? throw new InvalidOperationException($"ONNX node '{Node}': Backward needs a forward pass in training mode first.");
        if (_gradInput is null || _gradInput.Shape != x.Shape) _gradInput = new Tensor(x.Shape);
        reduction.Backward(x.Span, Targets(x.Shape), _output!.Span, dy.Span, _gradInput.Span);
        gradients.Accumulate(Inputs[0], _gradInput);
    }

    /// <summary>The reduced axes of an input of this rank, in increasing order (all of them when the node names none).</summary>
    private int[] Reduced(int rank) => axes is null ? Enumerable.Range(0, rank).ToArray() : OnnxAxes.Resolve(Node, axes, rank);

    /// <summary>The input's dims with each reduced axis set to 1: the output's layout, whether or not keepdims drops those axes.</summary>
    private TensorShape KeptShape(TensorShape input)
    {
        var dims = input.Dimensions.ToArray();
        foreach (int axis in Reduced(input.Rank)) dims[axis] = 1;
        return new TensorShape(dims);
    }

    private TensorShape Shape(TensorShape input)
    {
        if (keepDims) return KeptShape(input);
        var reduced = Reduced(input.Rank);
        var kept = input.Dimensions.ToArray().Where((_, k) => !reduced.Contains(k)).ToArray();
        return kept.Length > 0 ? new TensorShape(kept)
            : throw new NotSupportedException($"ONNX node '{Node}': attribute 'keepdims' is not supported: 0 with every axis reduced gives a " +
                "scalar, which the core's tensors (of one axis at least) cannot hold; keepdims = 1 gives [1, …, 1].");
    }

    /// <summary>t[i], the output element input element i reduces into: its offset in the kept shape, stride 0 on reduced axes.</summary>
    private int[] Targets(TensorShape input)
    {
        if (input == _mappedFor) return _targets;
        var kept = KeptShape(input);
        var strides = StridedOffsets.RowMajor(kept);
        foreach (int axis in Reduced(input.Rank)) strides[axis] = 0;
        _mappedFor = input;
        return _targets = StridedOffsets.Of(input, strides, 0);
    }
}
