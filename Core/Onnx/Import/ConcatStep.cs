using MLNet.Cnn.Tensors;

namespace MLNet.Cnn.Onnx;

/// <summary>Concat of float values along the channel axis (fire modules, Inception); backward splits the gradient.</summary>
internal sealed class ConcatStep(string node, string[] inputs, string output) : OnnxStep(node, inputs, output)
{
    private Tensor? _output;
    private Tensor[] _gradParts = [];

    public override void Forward(OnnxValues values, bool training)
    {
        var parts = Inputs.Select(values.Tensor).ToArray();
        var shape = Shape(parts.Select(p => p.Shape).ToArray());
        if (_output is null || _output.Shape != shape) _output = new Tensor(shape);
        Kernels.Concat.Forward(parts, _output);
        if (_gradParts.Length != parts.Length || _gradParts.Where((g, i) => g.Shape != parts[i].Shape).Any())
            _gradParts = parts.Select(p => new Tensor(p.Shape)).ToArray();
        values.Set(Output, _output);
    }

    public override void InferShape(OnnxValues values) => values.SetShape(Output, Shape(Inputs.Select(values.ShapeOf).ToArray()));

    public override void Backward(OnnxGradients gradients)
    {
        if (gradients.Of(Output) is not { } gradOutput) return;
        Kernels.Concat.Backward(gradOutput, _gradParts);
        for (int i = 0; i < Inputs.Count; i++) gradients.Accumulate(Inputs[i], _gradParts[i]);
    }

    private static TensorShape Shape(TensorShape[] parts)
    {
        var dims = parts[0].Dimensions.ToArray();
        dims[1] = parts.Sum(p => p[1]);
        return new TensorShape(dims);
    }
}
