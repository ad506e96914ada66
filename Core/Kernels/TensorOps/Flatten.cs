using MLNet.Cnn.Tensors;

namespace MLNet.Cnn.Kernels;

/// <summary>
/// Flatten [N, C, H, W] → [N, C·H·W] (before a fully connected layer) moves no data: NCHW is already that order
/// in memory, so both directions are <see cref="Tensor.Reshape"/> views sharing the storage, not kernels.
/// </summary>
internal static class Flatten
{
    // x [N, …] → a view [N, product of the other dims]
    public static Tensor Forward(Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        return x.Reshape(x.Shape[0], x.Shape.SizeFrom(1));
    }

    // dy [N, D] → a view with the forward input's shape [N, …]
    public static Tensor Backward(Tensor dy, TensorShape inputShape)
    {
        ArgumentNullException.ThrowIfNull(dy);
        if (dy.Length != inputShape.Length)
            throw new ArgumentException(
                $"dy has shape {dy.Shape} ({dy.Length} values); expected {inputShape.Length} values for input shape {inputShape}.",
                nameof(dy));
        return dy.Reshape(inputShape.Dimensions.ToArray());
    }
}
