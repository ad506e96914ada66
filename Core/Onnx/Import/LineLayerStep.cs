using MLNet.Cnn.Layers;
using MLNet.Cnn.Tensors;

namespace MLNet.Cnn.Onnx;

/// <summary>
/// A node with a 1-D window (Conv, ConvTranspose, MaxPool, AveragePool over [N, C, L]) run by the core's 2-D layer on a
/// view of height 1: the input [N, C, L] is read as [N, C, 1, L], the layer's output [N, C′, 1, L′] is written as
/// [N, C′, L′], and the gradients travel through the same two views in reverse.
/// </summary>
internal sealed class LineLayerStep(string node, string input, string output, Layer layer) : OnnxStep(node, [input], output)
{
    private TensorShape _inputShape;

    public override Layer Layer { get; } = layer;

    public override void Forward(OnnxValues values, bool training)
    {
        var x = values.Tensor(Inputs[0]);
        _inputShape = x.Shape;
        var y = Layer.Forward(x.Reshape(Plane(x.Shape)), training);
        values.Set(Output, y.Reshape(y.Shape[0], y.Shape[1], y.Shape[3]));
    }

    public override void InferShape(OnnxValues values)
    {
        var y = Layer.OutputShape(new TensorShape(Plane(values.ShapeOf(Inputs[0]))));
        values.SetShape(Output, new TensorShape(y[0], y[1], y[3]));
    }

    public override void Backward(OnnxGradients gradients)
    {
        if (gradients.Of(Output) is not { } gradOutput) return;
        var gradInput = Layer.Backward(gradOutput.Reshape(gradOutput.Shape[0], gradOutput.Shape[1], 1, gradOutput.Shape[2]));
        gradients.Accumulate(Inputs[0], gradInput.Reshape(_inputShape.Dimensions.ToArray()));
    }

    // [N, C, L] → [N, C, 1, L]
    private int[] Plane(TensorShape line) => line.Rank == 3 ? [line[0], line[1], 1, line[2]]
        : throw new NotSupportedException($"ONNX node '{Node}': its 1-D window takes an input [N, C, L]; the input is {line}.");
}
