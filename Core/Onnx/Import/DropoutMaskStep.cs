using MLNet.Cnn.Layers;
using MLNet.Cnn.Tensors;

namespace MLNet.Cnn.Onnx;

/// <summary>
/// The optional second output of an ONNX Dropout node, its bool mask (true where an element is kept), held as an int tensor
/// of 1s and 0s: all 1s at inference, the mask the node's <see cref="DropoutLayer"/> drew in a training pass. It reads the
/// dropout's output, so that the dropout runs first. No gradient flows through a mask.
/// </summary>
internal sealed class DropoutMaskStep(string node, string dropoutOutput, string output, DropoutLayer dropout)
    : OnnxStep(node, [dropoutOutput], output)
{
    public override void Forward(OnnxValues values, bool training)
    {
        var shape = values.ShapeOf(Inputs[0]);
        var drawn = training ? dropout.DrawnMask : null; // the layer draws nothing at inference
        values.Set(Output, drawn is null ? Ones(shape) : new IntTensor(drawn.ToArray().Select(m => m != 0 ? 1L : 0L).ToArray(), Dims(shape)));
    }

    public override void InferShape(OnnxValues values) => values.Set(Output, Ones(values.ShapeOf(Inputs[0])));

    public override void Backward(OnnxGradients gradients) { }

    private static IntTensor Ones(TensorShape shape) => new(Enumerable.Repeat(1L, shape.Length).ToArray(), Dims(shape));

    private static int[] Dims(TensorShape shape) => shape.Dimensions.ToArray();
}
