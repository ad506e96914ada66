using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;
using System.Runtime.Intrinsics;

namespace MLNet.Cnn.Kernels;

/// <summary>Softsign (ONNX Softsign): y = x / (1 + |x|);  dx = dy / (1 + |x|)². Backward uses the input.</summary>
public sealed class Softsign : Activation
{
    /// <inheritdoc/>
    public override SavedTensor BackwardUses => SavedTensor.Input;

    private protected override void ForwardTile(ReadOnlySpan<float> x, Span<float> y, VectorWidth width)
    {
        TensorPrimitives.Abs(x, y);
        TensorPrimitives.Add(y, 1f, y);
        TensorPrimitives.Divide(x, y, y);
    }

    private protected override void BackwardTile(ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> dx,
        VectorWidth width) => VectorLoop.Apply(new Derivative(), x, dy, dx, width);

    /// <summary>(x, dy) ↦ dy / (1 + |x|)².</summary>
    private readonly struct Derivative : IBinaryVectorOperator
    {
        public Vector512<float> Invoke(Vector512<float> x, Vector512<float> dy)
        {
            var d = Vector512<float>.One + Vector512.Abs(x);
            return dy / (d * d);
        }

        public Vector256<float> Invoke(Vector256<float> x, Vector256<float> dy)
        {
            var d = Vector256<float>.One + Vector256.Abs(x);
            return dy / (d * d);
        }
    }
}
