using System.Runtime.Intrinsics;

namespace MLNet.Cnn.Kernels;

/// <summary>
/// The exponential linear units, one formula with three settings: y = x &gt; 0 ? γ·x : γ·α·(e^(x/β) − 1);
/// dx = dy · (x &gt; 0 ? γ : γ·(α/β)·e^(x/β)), PyTorch's side at 0. <see cref="Elu"/> is γ = β = 1, <see cref="Selu"/>
/// β = 1, <see cref="Celu"/> β = α, γ = 1. Backward uses the input.
/// </summary>
public abstract class ExponentialLinear : Activation
{
    private readonly float _gamma, _beta;

    private protected ExponentialLinear(float alpha, float gamma, float beta)
    {
        Alpha = Finite(alpha, nameof(alpha));
        _gamma = Finite(gamma, nameof(gamma));
        _beta = Finite(beta, nameof(beta));
        if (beta == 0) throw new ArgumentException("alpha must not be 0 (CELU divides by it).", nameof(alpha));
    }

    /// <summary>α: the negative side tends to −γ·α.</summary>
    public float Alpha { get; }

    /// <inheritdoc/>
    public override SavedTensor BackwardUses => SavedTensor.Input;

    private protected override void ForwardTile(ReadOnlySpan<float> x, Span<float> y, VectorWidth width) =>
        VectorLoop.Apply(new Function(Alpha, _gamma, 1f / _beta), x, y, width);

    private protected override bool TilesInPlace => true;

    private protected override void BackwardTile(ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> dx,
        VectorWidth width) => VectorLoop.Apply(new Derivative(Alpha, _gamma, 1f / _beta), x, dy, dx, width);

    private protected static float Finite(float value, string name) => float.IsFinite(value) ? value
        : throw new ArgumentException($"{name} must be finite; {value} was given.", name);

    /// <summary>x ↦ x &gt; 0 ? γ·x : γ·α·expm1(x/β).</summary>
    private readonly struct Function(float alpha, float gamma, float inverseBeta) : IUnaryVectorOperator
    {
        public Vector512<float> Invoke(Vector512<float> x) => Vector512.ConditionalSelect(Vector512.GreaterThan(x, Vector512<float>.Zero),
            x * gamma, VectorFunctions.ExpM1(x * inverseBeta) * (gamma * alpha));

        public Vector256<float> Invoke(Vector256<float> x) => Vector256.ConditionalSelect(Vector256.GreaterThan(x, Vector256<float>.Zero),
            x * gamma, VectorFunctions.ExpM1(x * inverseBeta) * (gamma * alpha));
    }

    /// <summary>(x, dy) ↦ x &gt; 0 ? γ·dy : γ·(α/β)·e^(x/β)·dy.</summary>
    private readonly struct Derivative(float alpha, float gamma, float inverseBeta) : IBinaryVectorOperator
    {
        public Vector512<float> Invoke(Vector512<float> x, Vector512<float> dy) => Vector512.ConditionalSelect(
            Vector512.GreaterThan(x, Vector512<float>.Zero), dy * gamma, dy * Vector512.Exp(x * inverseBeta) * (gamma * alpha * inverseBeta));

        public Vector256<float> Invoke(Vector256<float> x, Vector256<float> dy) => Vector256.ConditionalSelect(
            Vector256.GreaterThan(x, Vector256<float>.Zero), dy * gamma, dy * Vector256.Exp(x * inverseBeta) * (gamma * alpha * inverseBeta));
    }
}
