using MLNet.Cnn.Layers;
using MLNet.Cnn.Tensors;

namespace MLNet.Cnn.Onnx;

/// <summary>
/// A layer of rows [R, K] → [R, M] (a dense layer: MatMul by a constant matrix) applied to the last axis of a float value
/// [… , K] of any rank ≥ 2, such as ConvNeXt's channels-last Linear on [N, H, W, C]: the leading axes are viewed as the
/// rows, and the output [R, M] as [… , M]. On [N, K] it is the layer itself.
/// </summary>
internal sealed class RowsLayerStep(string node, string input, string output, Layer layer) : OnnxStep(node, [input], output)
{
    private TensorShape _inputShape;

    public override Layer Layer { get; } = layer;

    public override void Forward(OnnxValues values, bool training)
    {
        var x = values.Tensor(Inputs[0]);
        _inputShape = x.Shape;
        values.Set(Output, Restore(Layer.Forward(Rows(x), training), x.Shape));
    }

    public override void InferShape(OnnxValues values)
    {
        var shape = values.ShapeOf(Inputs[0]);
        var rows = Layer.OutputShape(new TensorShape(RowsOf(shape), shape[shape.Rank - 1]));
        values.SetShape(Output, new TensorShape([.. shape.Dimensions[..^1], rows[1]]));
    }

    public override void Backward(OnnxGradients gradients)
    {
        if (gradients.Of(Output) is not { } dy) return;
        gradients.Accumulate(Inputs[0], Restore(Layer.Backward(Rows(dy)), _inputShape));
    }

    private int RowsOf(TensorShape shape) => shape.Rank >= 2 ? shape.Length / shape[shape.Rank - 1]
        : throw new NotSupportedException($"ONNX node '{Node}' (op MatMul): a vector input {shape}; rows [R, K] are supported.");

    private Tensor Rows(Tensor t) => t.Shape.Rank == 2 ? t : t.Reshape(RowsOf(t.Shape), t.Shape[t.Shape.Rank - 1]);

    /// <summary>A result of rows [R, D] as the leading axes of <paramref name="like"/> and D.</summary>
    private static Tensor Restore(Tensor rows, TensorShape like) =>
        like.Rank == 2 ? rows : rows.Reshape([.. like.Dimensions[..^1], rows.Shape[1]]);
}
