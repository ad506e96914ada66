using MLNet.Cnn.Tensors;

namespace MLNet.Cnn.Onnx;

/// <summary>
/// Mul of two float values: of one shape, or [N, C, H, W] times a per-channel factor [N, C, 1, 1] (squeeze-and-excitation),
/// in either order (the full-size factor goes first to <see cref="Kernels.Mul"/>, which broadcasts its second). Backward gives each factor the gradient times the other.
/// </summary>
internal sealed class MulStep(string node, string a, string b, string output) : OnnxStep(node, [a, b], output)
{
    private Tensor? _output, _gradA, _gradB, _a, _b;
    private bool _swapped; // the second input is the full-size factor

    public override void Forward(OnnxValues values, bool training)
    {
        Tensor first = values.Tensor(Inputs[0]), second = values.Tensor(Inputs[1]);
        _swapped = second.Length > first.Length;
        var (a, b) = _swapped ? (second, first) : (first, second);
        if (_output is null || _output.Shape != a.Shape) _output = new Tensor(a.Shape);
        Kernels.Mul.Forward(a, b, _output);
        (_a, _b) = training ? (a, b) : (null, null);
        values.Set(Output, _output);
    }

    public override void InferShape(OnnxValues values)
    {
        TensorShape a = values.ShapeOf(Inputs[0]), b = values.ShapeOf(Inputs[1]);
        values.SetShape(Output, a.Length >= b.Length ? a : b);
    }

    public override void Backward(OnnxGradients gradients)
    {
        if (gradients.Of(Output) is not { } gradOutput) return;
        var (a, b) = (_a ?? throw new InvalidOperationException($"ONNX node '{Node}': Backward needs a forward pass in training mode first."), _b!);
        if (_gradA is null || _gradA.Shape != a.Shape) _gradA = new Tensor(a.Shape);
        if (_gradB is null || _gradB.Shape != b.Shape) _gradB = new Tensor(b.Shape);
        Kernels.Mul.Backward(a, b, gradOutput, _gradA, _gradB);
        gradients.Accumulate(Inputs[_swapped ? 1 : 0], _gradA);
        gradients.Accumulate(Inputs[_swapped ? 0 : 1], _gradB);
    }
}
