using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;

namespace MLNet.Cnn.Kernels;

/// <summary>Neg (ONNX Neg): y = −x;  dx = −dy. Backward reads neither tensor (it names the output).</summary>
public sealed class Neg : Activation
{
    /// <inheritdoc/>
    public override SavedTensor BackwardUses => SavedTensor.Output;

    private protected override void ForwardTile(ReadOnlySpan<float> x, Span<float> y, VectorWidth width) => TensorPrimitives.Negate(x, y);

    private protected override bool TilesInPlace => true;

    private protected override void BackwardTile(ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx,
        VectorWidth width) => TensorPrimitives.Negate(dy, dx);
}
