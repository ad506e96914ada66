using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;
using System.Runtime.Intrinsics;

namespace MLNet.Cnn.Kernels;

/// <summary>
/// HardSigmoid (ONNX): y = max(0, min(1, alpha·x + beta));  dx = dy · (0 &lt; y &lt; 1 ? alpha : 0).
/// The defaults alpha = 1/6, beta = 1/2 give PyTorch's relu6(x + 3) / 6 (ONNX's own default is alpha = 0.2).
/// Backward uses the output.
/// </summary>
public sealed class HardSigmoid(float alpha = 1f / 6f, float beta = 0.5f) : Activation
{
    /// <summary>The slope alpha of alpha·x + beta.</summary>
    public float Alpha { get; } = float.IsFinite(alpha) ? alpha
        : throw new ArgumentException($"alpha must be finite; {alpha} was given.", nameof(alpha));

    /// <summary>The offset beta of alpha·x + beta.</summary>
    public float Beta { get; } = float.IsFinite(beta) ? beta
        : throw new ArgumentException($"beta must be finite; {beta} was given.", nameof(beta));

    /// <inheritdoc/>
    public override SavedTensor BackwardUses => SavedTensor.Output;

    private protected override void ForwardTile(ReadOnlySpan<float> x, Span<float> y, VectorWidth width) => Apply(x, Alpha, Beta, y);

    private protected override bool TilesInPlace => true;

    private protected override void BackwardTile(ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx,
        VectorWidth width) => VectorLoop.Apply(new Derivative(Alpha), y, dy, dx, width);

    /// <summary>y = clamp(alpha·x + beta, 0, 1).</summary>
    internal static void Apply(ReadOnlySpan<float> x, float alpha, float beta, Span<float> y)
    {
        TensorPrimitives.Multiply(x, alpha, y);
        TensorPrimitives.Add(y, beta, y);
        TensorPrimitives.Clamp(y, 0f, 1f, y);
    }

    /// <summary>(y, dy) ↦ 0 &lt; y &lt; 1 ? alpha·dy : 0.</summary>
    private readonly struct Derivative(float alpha) : IBinaryVectorOperator
    {
        public Vector512<float> Invoke(Vector512<float> y, Vector512<float> dy) => Vector512.ConditionalSelect(
            Vector512.GreaterThan(y, Vector512<float>.Zero) & Vector512.LessThan(y, Vector512<float>.One),
            dy * alpha, Vector512<float>.Zero);

        public Vector256<float> Invoke(Vector256<float> y, Vector256<float> dy) => Vector256.ConditionalSelect(
            Vector256.GreaterThan(y, Vector256<float>.Zero) & Vector256.LessThan(y, Vector256<float>.One),
            dy * alpha, Vector256<float>.Zero);
    }

    /// <inheritdoc/>
    public override string ToString() => $"HardSigmoid({Alpha}, {Beta})";
}
