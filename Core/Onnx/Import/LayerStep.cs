using MLNet.Cnn.Layers;

namespace MLNet.Cnn.Onnx;

/// <summary>A node that is one of the core's layers applied to one float input (Conv, Relu, MaxPool, Gemm, …).</summary>
internal sealed class LayerStep(string node, string input, string output, Layer layer) : OnnxStep(node, [input], output)
{
    public override Layer Layer { get; } = layer;

    public override void Forward(OnnxValues values, bool training) => values.Set(Output, Layer.Forward(values.Tensor(Inputs[0]), training));

    public override void InferShape(OnnxValues values) => values.SetShape(Output, Layer.OutputShape(values.ShapeOf(Inputs[0])));

    public override void Backward(OnnxGradients gradients)
    {
        if (gradients.Of(Output) is { } gradOutput) gradients.Accumulate(Inputs[0], Layer.Backward(gradOutput));
    }
}
