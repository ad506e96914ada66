using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;
using System.Runtime.Intrinsics;

namespace MLNet.Cnn.Kernels;

/// <summary>Exp (ONNX Exp): y = e^x;  dx = dy · y. Backward uses the output.</summary>
public sealed class Exp : Activation
{
    /// <inheritdoc/>
    public override SavedTensor BackwardUses => SavedTensor.Output;

    private protected override void ForwardTile(ReadOnlySpan<float> x, Span<float> y, VectorWidth width) => TensorPrimitives.Exp(x, y);

    private protected override bool TilesInPlace => true;

    private protected override void BackwardTile(ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx,
        VectorWidth width) => VectorLoop.Apply(new Derivative(), y, dy, dx, width);

    /// <summary>(y, dy) ↦ dy·y.</summary>
    private readonly struct Derivative : IBinaryVectorOperator
    {
        public Vector512<float> Invoke(Vector512<float> y, Vector512<float> dy) => dy * y;

        public Vector256<float> Invoke(Vector256<float> y, Vector256<float> dy) => dy * y;
    }
}
