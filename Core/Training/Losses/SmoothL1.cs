using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;

namespace MLNet.Cnn.Training;

/// <summary>
/// Smooth L1 (Huber-style) loss, as PyTorch's SmoothL1Loss with reduction "mean": quadratic within β of the target,
/// linear beyond; β = 0 gives the L1 loss.
/// </summary>
public sealed class SmoothL1 : ElementwiseLoss
{
    private readonly float _beta;

    /// <param name="beta">β ≥ 0, where the loss turns from quadratic to linear.</param>
    public SmoothL1(float beta = 1f) : base(targetsAreProbabilities: false) =>
        _beta = LossArguments.AtLeast(beta, 0f, nameof(beta));

    // d = x − y, c = clamp(d, −β, β):
    //   ℓ = 0.5·d²/β if |d| < β, else |d| − 0.5·β   = c·(d − c/2)/β
    //   ∂ℓ/∂x = c/β   (β = 0: ℓ = |d|, ∂ℓ/∂x = sign(d))
    private protected override double SumChunk(ReadOnlySpan<float> x, ReadOnlySpan<float> y, Span<float> dx,
        Span<float> scratch, int offset)
    {
        Span<float> d = Part(scratch, 0), c = Part(scratch, 1);
        TensorPrimitives.Subtract(x, y, d);
        if (_beta == 0f)
        {
            for (int i = 0; i < d.Length; i++) dx[i] = MathF.Sign(d[i]);
            return TensorPrimitives.SumOfMagnitudes(d);
        }
        TensorPrimitives.Clamp(d, -_beta, _beta, c);
        TensorPrimitives.Multiply(c, 1f / _beta, dx);
        TensorPrimitives.MultiplyAdd(c, -0.5f, d, d);
        return TensorPrimitives.Dot(dx, d);
    }
}
