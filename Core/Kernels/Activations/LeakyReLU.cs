using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;
using System.Runtime.Intrinsics;

namespace MLNet.Cnn.Kernels;

/// <summary>
/// LeakyReLU: y = x &gt; 0 ? x : slope·x;  dx = x &gt; 0 ? dy : slope·dy. Backward uses the input (the slope may be
/// zero or negative, so the sign of y does not tell the side of the kink). <see cref="PReLU"/> applies the same
/// formulas with a learned slope.
/// </summary>
public sealed class LeakyReLU(float slope = 0.01f) : Activation
{
    /// <summary>The slope for x ≤ 0.</summary>
    public float Slope { get; } = float.IsFinite(slope) ? slope
        : throw new ArgumentException($"slope must be finite; {slope} was given.", nameof(slope));

    /// <inheritdoc/>
    public override SavedTensor BackwardUses => SavedTensor.Input;

    private protected override void ForwardTile(ReadOnlySpan<float> x, Span<float> y, VectorWidth width) => Apply(x, Slope, y);

    private protected override void BackwardTile(ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> dx,
        VectorWidth width) => VectorLoop.Apply(new Derivative(Slope), x, dy, dx, width);

    /// <summary>
    /// y = x &gt; 0 ? x : slope·x, as max(x, slope·x) when slope ≤ 1 and min(x, slope·x) when slope &gt; 1
    /// (the two TensorPrimitives passes pick the right branch on either side of 0). y must not overlap x.
    /// </summary>
    internal static void Apply(ReadOnlySpan<float> x, float slope, Span<float> y)
    {
        TensorPrimitives.Multiply(x, slope, y);
        if (slope <= 1f) TensorPrimitives.Max(x, y, y);
        else TensorPrimitives.Min(x, y, y);
    }

    /// <summary>(x, dy) ↦ x &gt; 0 ? dy : slope·dy.</summary>
    internal readonly struct Derivative(float slope) : IBinaryVectorOperator
    {
        public Vector512<float> Invoke(Vector512<float> x, Vector512<float> dy) =>
            Vector512.ConditionalSelect(Vector512.GreaterThan(x, Vector512<float>.Zero), dy, dy * slope);

        public Vector256<float> Invoke(Vector256<float> x, Vector256<float> dy) =>
            Vector256.ConditionalSelect(Vector256.GreaterThan(x, Vector256<float>.Zero), dy, dy * slope);
    }

    /// <inheritdoc/>
    public override string ToString() => $"LeakyReLU({Slope})";
}
