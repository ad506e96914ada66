using MLNet.Cnn.Tensors;

namespace MLNet.Cnn.Onnx;

/// <summary>
/// A node that only changes the shape of a float tensor, not the order of its values (Reshape, Flatten, Squeeze,
/// Unsqueeze, a Transpose that moves only axes of size 1): the output is a view of the input, and so is the gradient.
/// <paramref name="targetShape"/> gives the output shape from the input shape and the int64 values (Reshape's shape).
/// </summary>
internal sealed class ViewStep(string node, string[] inputs, string output, Func<TensorShape, OnnxValues, int[]> targetShape)
    : OnnxStep(node, inputs, output)
{
    private TensorShape _inputShape;

    public override void Forward(OnnxValues values, bool training)
    {
        var input = values.Tensor(Inputs[0]);
        _inputShape = input.Shape;
        values.Set(Output, input.Reshape(Target(input.Shape, values)));
    }

    public override void InferShape(OnnxValues values)
    {
        var shape = values.ShapeOf(Inputs[0]);
        values.SetShape(Output, new TensorShape(Target(shape, values)));
    }

    public override void Backward(OnnxGradients gradients)
    {
        if (gradients.Of(Output) is { } gradOutput) gradients.Accumulate(Inputs[0], gradOutput.Reshape(_inputShape.Dimensions.ToArray()));
    }

    private int[] Target(TensorShape input, OnnxValues values)
    {
        var dims = targetShape(input, values);
        if (dims.Aggregate(1L, (a, d) => a * d) != input.Length)
            throw new InvalidOperationException($"ONNX node '{Node}' reshapes {input} to [{string.Join(", ", dims)}], which holds another number of values.");
        return dims;
    }
}
