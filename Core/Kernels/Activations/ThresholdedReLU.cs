using System.Runtime.Intrinsics;

namespace MLNet.Cnn.Kernels;

/// <summary>
/// ThresholdedReLU (ONNX ThresholdedRelu): y = x &gt; α ? x : 0;  dx = x &gt; α ? dy : 0. α = 1 by default. Backward uses
/// the input (for α &lt; 0, y = 0 does not tell which side x was on).
/// </summary>
public sealed class ThresholdedReLU(float alpha = 1f) : Activation
{
    /// <summary>α, the threshold: y = x where x &gt; α, else 0.</summary>
    public float Alpha { get; } = float.IsFinite(alpha) ? alpha
        : throw new ArgumentException($"alpha must be finite; {alpha} was given.", nameof(alpha));

    /// <inheritdoc/>
    public override SavedTensor BackwardUses => SavedTensor.Input;

    private protected override void ForwardTile(ReadOnlySpan<float> x, Span<float> y, VectorWidth width) =>
        VectorLoop.Apply(new Above(Alpha), x, x, y, width);

    private protected override bool TilesInPlace => true;

    private protected override void BackwardTile(ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> dx,
        VectorWidth width) => VectorLoop.Apply(new Above(Alpha), x, dy, dx, width);

    /// <summary>(x, v) ↦ x &gt; α ? v : 0: the forward pass with v = x, the backward with v = dy.</summary>
    private readonly struct Above(float alpha) : IBinaryVectorOperator
    {
        public Vector512<float> Invoke(Vector512<float> x, Vector512<float> v) =>
            Vector512.ConditionalSelect(Vector512.GreaterThan(x, Vector512.Create(alpha)), v, Vector512<float>.Zero);

        public Vector256<float> Invoke(Vector256<float> x, Vector256<float> v) =>
            Vector256.ConditionalSelect(Vector256.GreaterThan(x, Vector256.Create(alpha)), v, Vector256<float>.Zero);
    }

    /// <inheritdoc/>
    public override string ToString() => $"ThresholdedReLU({Alpha})";
}
