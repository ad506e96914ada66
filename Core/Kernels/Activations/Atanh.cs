using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;
using System.Runtime.Intrinsics;

namespace MLNet.Cnn.Kernels;

/// <summary>
/// Atanh (ONNX Atanh): y = atanh(x) = ½·ln((1 + x) / (1 − x)) for |x| &lt; 1; dx = dy / (1 − x²). Backward uses the
/// input.
/// </summary>
public sealed class Atanh : Activation
{
    /// <inheritdoc/>
    public override SavedTensor BackwardUses => SavedTensor.Input;

    private protected override void ForwardTile(ReadOnlySpan<float> x, Span<float> y, VectorWidth width) => TensorPrimitives.Atanh(x, y);

    private protected override bool TilesInPlace => true;

    private protected override void BackwardTile(ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> dx,
        VectorWidth width) => VectorLoop.Apply(new Derivative(), x, dy, dx, width);

    /// <summary>(x, dy) ↦ dy / (1 − x²).</summary>
    private readonly struct Derivative : IBinaryVectorOperator
    {
        public Vector512<float> Invoke(Vector512<float> x, Vector512<float> dy) => dy / (Vector512<float>.One - x * x);

        public Vector256<float> Invoke(Vector256<float> x, Vector256<float> dy) => dy / (Vector256<float>.One - x * x);
    }
}
