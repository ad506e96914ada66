using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;
using System.Runtime.Intrinsics;

namespace MLNet.Cnn.Kernels;

/// <summary>
/// SiLU (swish): y = x · σ(x), σ(x) = 1 / (1 + e^−x);  dx = dy · σ(x)·(1 + x·(1 − σ(x))). Backward uses the input.
/// </summary>
public sealed class SiLU : Activation
{
    /// <inheritdoc/>
    public override SavedTensor BackwardUses => SavedTensor.Input;

    private protected override void ForwardTile(ReadOnlySpan<float> x, Span<float> y, VectorWidth width)
    {
        TensorPrimitives.Sigmoid(x, y);
        TensorPrimitives.Multiply(y, x, y);
    }

    private protected override void BackwardTile(ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> dx,
        VectorWidth width) => VectorLoop.Apply(new Derivative(), x, dy, dx, width);

    /// <summary>(x, dy) ↦ dy·σ·(1 + x·(1 − σ)); e^−x overflows to ∞ for x &lt; −88, where σ = 0 is right.</summary>
    private readonly struct Derivative : IBinaryVectorOperator
    {
        public Vector512<float> Invoke(Vector512<float> x, Vector512<float> dy)
        {
            var one = Vector512<float>.One;
            var s = one / (one + Vector512.Exp(-x));
            return dy * s * (one + x * (one - s));
        }

        public Vector256<float> Invoke(Vector256<float> x, Vector256<float> dy)
        {
            var one = Vector256<float>.One;
            var s = one / (one + Vector256.Exp(-x));
            return dy * s * (one + x * (one - s));
        }
    }
}
