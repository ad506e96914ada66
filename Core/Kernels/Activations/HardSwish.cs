using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;
using System.Runtime.Intrinsics;

namespace MLNet.Cnn.Kernels;

/// <summary>
/// HardSwish (MobileNetV3): y = x · relu6(x + 3) / 6;
/// dx = dy · (x &lt; −3 ? 0 : x ≤ 3 ? x/3 + 1/2 : 1), PyTorch's choice at the kinks. Backward uses the input.
/// </summary>
public sealed class HardSwish : Activation
{
    /// <inheritdoc/>
    public override SavedTensor BackwardUses => SavedTensor.Input;

    private protected override void ForwardTile(ReadOnlySpan<float> x, Span<float> y, VectorWidth width)
    {
        HardSigmoid.Apply(x, 1f / 6f, 0.5f, y);
        TensorPrimitives.Multiply(y, x, y);
    }

    private protected override void BackwardTile(ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> dx,
        VectorWidth width) => VectorLoop.Apply(new Derivative(), x, dy, dx, width);

    /// <summary>(x, dy) ↦ x &lt; −3 ? 0 : x ≤ 3 ? dy·(x/3 + 1/2) : dy.</summary>
    private readonly struct Derivative : IBinaryVectorOperator
    {
        public Vector512<float> Invoke(Vector512<float> x, Vector512<float> dy) => Vector512.ConditionalSelect(
            Vector512.LessThan(x, Vector512.Create(-3f)), Vector512<float>.Zero,
            Vector512.ConditionalSelect(Vector512.LessThanOrEqual(x, Vector512.Create(3f)),
                dy * (x * (1f / 3f) + Vector512.Create(0.5f)), dy));

        public Vector256<float> Invoke(Vector256<float> x, Vector256<float> dy) => Vector256.ConditionalSelect(
            Vector256.LessThan(x, Vector256.Create(-3f)), Vector256<float>.Zero,
            Vector256.ConditionalSelect(Vector256.LessThanOrEqual(x, Vector256.Create(3f)),
                dy * (x * (1f / 3f) + Vector256.Create(0.5f)), dy));
    }
}
