using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;
using System.Runtime.Intrinsics;

namespace MLNet.Cnn.Kernels;

/// <summary>
/// ReLU6 (MobileNet): y = min(max(x, 0), 6);  dx = dy · [0 &lt; y &lt; 6]. Backward uses the output.
/// </summary>
public sealed class ReLU6 : Activation
{
    public override SavedTensor BackwardUses => SavedTensor.Output;

    private protected override void ForwardTile(ReadOnlySpan<float> x, Span<float> y) => TensorPrimitives.Clamp(x, 0f, 6f, y);

    private protected override void BackwardTile(ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx,
        VectorWidth width) => VectorLoop.Apply(new Derivative(), y, dy, dx, width);

    /// <summary>(y, dy) ↦ 0 &lt; y &lt; 6 ? dy : 0.</summary>
    private readonly struct Derivative : IBinaryVectorOperator
    {
        public Vector512<float> Invoke(Vector512<float> y, Vector512<float> dy) => Vector512.ConditionalSelect(
            Vector512.GreaterThan(y, Vector512<float>.Zero) & Vector512.LessThan(y, Vector512.Create(6f)),
            dy, Vector512<float>.Zero);

        public Vector256<float> Invoke(Vector256<float> y, Vector256<float> dy) => Vector256.ConditionalSelect(
            Vector256.GreaterThan(y, Vector256<float>.Zero) & Vector256.LessThan(y, Vector256.Create(6f)),
            dy, Vector256<float>.Zero);
    }
}
