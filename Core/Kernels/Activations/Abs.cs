using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;
using System.Runtime.Intrinsics;

namespace MLNet.Cnn.Kernels;

/// <summary>Abs (ONNX Abs): y = |x|;  dx = dy · sign(x), 0 at 0 as in PyTorch. Backward uses the input.</summary>
public sealed class Abs : Activation
{
    /// <inheritdoc/>
    public override SavedTensor BackwardUses => SavedTensor.Input;

    private protected override void ForwardTile(ReadOnlySpan<float> x, Span<float> y, VectorWidth width) => TensorPrimitives.Abs(x, y);

    private protected override bool TilesInPlace => true;

    private protected override void BackwardTile(ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> dx,
        VectorWidth width) => VectorLoop.Apply(new Derivative(), x, dy, dx, width);

    /// <summary>(x, dy) ↦ [x &gt; 0]·dy − [x &lt; 0]·dy, the masks as bits.</summary>
    private readonly struct Derivative : IBinaryVectorOperator
    {
        public Vector512<float> Invoke(Vector512<float> x, Vector512<float> dy) =>
            (dy & Vector512.GreaterThan(x, Vector512<float>.Zero)) - (dy & Vector512.LessThan(x, Vector512<float>.Zero));

        public Vector256<float> Invoke(Vector256<float> x, Vector256<float> dy) =>
            (dy & Vector256.GreaterThan(x, Vector256<float>.Zero)) - (dy & Vector256.LessThan(x, Vector256<float>.Zero));
    }
}
