using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;
using System.Runtime.Intrinsics;

namespace MLNet.Cnn.Kernels;

/// <summary>
/// ReLU: y = max(x, 0);  dx = dy · [y &gt; 0]. Backward uses the output.
/// </summary>
public sealed class ReLU : Activation
{
    /// <inheritdoc/>
    public override SavedTensor BackwardUses => SavedTensor.Output;

    private protected override void ForwardTile(ReadOnlySpan<float> x, Span<float> y, VectorWidth width) => TensorPrimitives.Max(x, 0f, y);

    private protected override bool TilesInPlace => true;

    private protected override void BackwardTile(ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx,
        VectorWidth width) => VectorLoop.Apply(new Derivative(), y, dy, dx, width);

    /// <summary>(y, dy) ↦ y &gt; 0 ? dy : 0.</summary>
    private readonly struct Derivative : IBinaryVectorOperator
    {
        public Vector512<float> Invoke(Vector512<float> y, Vector512<float> dy) =>
            Vector512.ConditionalSelect(Vector512.GreaterThan(y, Vector512<float>.Zero), dy, Vector512<float>.Zero);

        public Vector256<float> Invoke(Vector256<float> y, Vector256<float> dy) =>
            Vector256.ConditionalSelect(Vector256.GreaterThan(y, Vector256<float>.Zero), dy, Vector256<float>.Zero);
    }
}
