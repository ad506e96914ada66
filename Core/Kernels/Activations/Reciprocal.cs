using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;
using System.Runtime.Intrinsics;

namespace MLNet.Cnn.Kernels;

/// <summary>Reciprocal (ONNX Reciprocal): y = 1 / x;  dx = −dy · y². Backward uses the output.</summary>
public sealed class Reciprocal : Activation
{
    /// <inheritdoc/>
    public override SavedTensor BackwardUses => SavedTensor.Output;

    private protected override void ForwardTile(ReadOnlySpan<float> x, Span<float> y, VectorWidth width) => TensorPrimitives.Reciprocal(x, y);

    private protected override bool TilesInPlace => true;

    private protected override void BackwardTile(ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx,
        VectorWidth width) => VectorLoop.Apply(new Derivative(), y, dy, dx, width);

    /// <summary>(y, dy) ↦ −dy·y².</summary>
    private readonly struct Derivative : IBinaryVectorOperator
    {
        public Vector512<float> Invoke(Vector512<float> y, Vector512<float> dy) => -dy * y * y;

        public Vector256<float> Invoke(Vector256<float> y, Vector256<float> dy) => -dy * y * y;
    }
}
