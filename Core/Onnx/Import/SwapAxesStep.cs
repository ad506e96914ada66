using MLNet.Cnn.Tensors;

namespace MLNet.Cnn.Onnx;

/// <summary>
/// A Transpose that swaps two neighbouring axes a, a + 1 of a float tensor: the middle step of a channel shuffle
/// (Reshape [N, g, C/g, …] → Transpose → Reshape [N, C, …], as the core and PyTorch write it). Viewed as
/// [outer, A·B, inner] (A, B the two axes), that swap is <see cref="Kernels.ChannelShuffle"/> with A groups, and its
/// gradient the shuffle's backward.
/// </summary>
internal sealed class SwapAxesStep(string node, string input, string output, int axis) : OnnxStep(node, [input], output)
{
    private Tensor? _output, _gradInput;
    private TensorShape _inputShape;

    /// <summary>The first of the two axes a Transpose of <paramref name="perm"/> swaps, or null when it does anything else.</summary>
    public static int? SwappedAxis(long[]? perm)
    {
        if (perm is null) return null;
        var moved = Enumerable.Range(0, perm.Length).Where(i => perm[i] != i).ToArray();
        return moved.Length == 2 && moved[1] == moved[0] + 1 && perm[moved[0]] == moved[1] ? moved[0] : null;
    }

    public override void Forward(OnnxValues values, bool training)
    {
        var x = values.Tensor(Inputs[0]);
        _inputShape = x.Shape;
        var shape = Shape(x.Shape);
        if (_output is null || _output.Shape != shape) _output = new Tensor(shape);
        Kernels.ChannelShuffle.Forward(View(x), View(_output), x.Shape[axis]);
        values.Set(Output, _output);
    }

    public override void InferShape(OnnxValues values) => values.SetShape(Output, Shape(values.ShapeOf(Inputs[0])));

    public override void Backward(OnnxGradients gradients)
    {
        if (gradients.Of(Output) is not { } dy) return;
        if (_gradInput is null || _gradInput.Shape != _inputShape) _gradInput = new Tensor(_inputShape);
        Kernels.ChannelShuffle.Backward(View(dy), View(_gradInput), _inputShape[axis]);
        gradients.Accumulate(Inputs[0], _gradInput);
    }

    private TensorShape Shape(TensorShape input)
    {
        if (input.Rank < axis + 2)
            throw new NotSupportedException($"ONNX node '{Node}' (op Transpose) swaps axes {axis} and {axis + 1} of a tensor of shape {input}.");
        var dims = input.Dimensions.ToArray();
        (dims[axis], dims[axis + 1]) = (dims[axis + 1], dims[axis]);
        return new TensorShape(dims);
    }

    /// <summary>[outer, A·B, inner] around the two axes, whichever order they are in.</summary>
    private Tensor View(Tensor t) =>
        t.Reshape(t.Length / t.Shape.SizeFrom(axis), t.Shape[axis] * t.Shape[axis + 1], t.Shape.SizeFrom(axis + 2));
}
