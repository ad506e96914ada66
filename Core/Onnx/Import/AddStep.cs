using MLNet.Cnn.Tensors;

namespace MLNet.Cnn.Onnx;

/// <summary>Add of two float values of one shape (the join of a residual block); ∂L/∂a = ∂L/∂b = ∂L/∂y.</summary>
internal sealed class AddStep(string node, string a, string b, string output) : OnnxStep(node, [a, b], output)
{
    private Tensor? _output;

    public override void Forward(OnnxValues values, bool training)
    {
        var (a, b) = (values.Tensor(Inputs[0]), values.Tensor(Inputs[1]));
        var shape = Shape(a.Shape, b.Shape);
        if (_output is null || _output.Shape != shape) _output = new Tensor(shape);
        Kernels.Add.Forward(a, b, _output);
        values.Set(Output, _output);
    }

    public override void InferShape(OnnxValues values) => values.SetShape(Output, Shape(values.ShapeOf(Inputs[0]), values.ShapeOf(Inputs[1])));

    public override void Backward(OnnxGradients gradients)
    {
        if (gradients.Of(Output) is not { } gradOutput) return;
        gradients.Accumulate(Inputs[0], gradOutput);
        gradients.Accumulate(Inputs[1], gradOutput);
    }

    private TensorShape Shape(TensorShape a, TensorShape b) => a == b ? a
        : throw new NotSupportedException($"ONNX node '{Node}' (Add) adds shapes {a} and {b}; only inputs of one shape are supported (no broadcasting).");
}
