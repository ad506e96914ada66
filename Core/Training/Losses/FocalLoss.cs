using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;

namespace MLNet.Cnn.Training;

/// <summary>
/// Binary sigmoid focal loss on logits (RetinaNet; torchvision.ops.sigmoid_focal_loss with reduction "mean"): the
/// binary cross-entropy of each element scaled by (1 − p_t)^γ, which fades the well-classified ones, and by α_t, which
/// balances positives (α) against negatives (1 − α); α &lt; 0 turns the balancing off, as in torchvision.
/// </summary>
public sealed class FocalLoss : ElementwiseLoss
{
    /// <summary>Floor of 1 − p_t under the power γ − 1 of the gradient: keeps 0^(γ−1) finite, its factor being 0 there.</summary>
    private const float TinyM = 1e-30f;

    private readonly float _alpha, _gamma;

    /// <param name="alpha">The weight of the positive class (1 − α for the negative).</param>
    /// <param name="gamma">The focusing exponent: (1 − p_t)^γ down-weights easy examples.</param>
    public FocalLoss(float alpha = 0.25f, float gamma = 2f) : base(targetsAreProbabilities: true)
    {
        if (!(float.IsFinite(alpha) && alpha <= 1f))
            throw new ArgumentException($"alpha must be in [0, 1], or negative to turn it off; {alpha} was given.", nameof(alpha));
        _alpha = alpha;
        _gamma = LossArguments.AtLeast(gamma, 0f, nameof(gamma));
    }

    // p = σ(x), q = σ(−x) = 1 − p, ce = max(x, 0) − x·y + log(1 + e^(−|x|)),
    // m = 1 − p_t = y·q + (1 − y)·p,  α_t = α·y + (1 − α)·(1 − y)  (1 when α < 0):
    //   ℓ = α_t · ce · m^γ
    //   ∂ℓ/∂x = α_t · [(p − y)·m^γ + γ·ce·m^(γ−1)·p·q·(1 − 2y)]     (∂ce/∂x = p − y, ∂m/∂x = p·q·(1 − 2y))
    private protected override double SumChunk(ReadOnlySpan<float> x, ReadOnlySpan<float> y, Span<float> dx,
        Span<float> scratch, int offset)
    {
        Span<float> ce = Part(scratch, 0), p = Part(scratch, 1), q = Part(scratch, 2), power = Part(scratch, 3);
        TensorPrimitives.Abs(x, ce);
        TensorPrimitives.Negate(ce, ce);
        TensorPrimitives.Exp(ce, ce);
        TensorPrimitives.LogP1(ce, ce);
        TensorPrimitives.Max(x, 0f, p);
        TensorPrimitives.Add(ce, p, ce);
        TensorPrimitives.Multiply(x, y, p);
        TensorPrimitives.Subtract(ce, p, ce);       // ce
        TensorPrimitives.Sigmoid(x, p);             // p
        TensorPrimitives.Negate(x, q);
        TensorPrimitives.Sigmoid(q, q);             // q
        var m = dx;
        TensorPrimitives.Subtract(q, p, m);
        TensorPrimitives.Multiply(m, y, m);
        TensorPrimitives.Add(m, p, m);              // m = p + y·(q − p)
        TensorPrimitives.Max(m, TinyM, power);
        TensorPrimitives.Pow(power, _gamma - 1f, power); // m^(γ−1)
        TensorPrimitives.Multiply(q, p, q);
        TensorPrimitives.Multiply(q, ce, q);
        TensorPrimitives.Multiply(q, power, q);     // ce·m^(γ−1)·p·q
        TensorPrimitives.Multiply(power, m, power); // m^γ
        TensorPrimitives.Subtract(p, y, p);
        TensorPrimitives.Multiply(p, power, p);     // (p − y)·m^γ
        TensorPrimitives.Multiply(ce, power, ce);   // ce·m^γ
        TensorPrimitives.Multiply(y, -2f * _gamma, power);
        TensorPrimitives.Add(power, _gamma, power); // γ·(1 − 2y)
        TensorPrimitives.MultiplyAdd(q, power, p, dx);
        if (_alpha < 0f) return TensorPrimitives.Sum(ce);

        TensorPrimitives.Multiply(y, 2f * _alpha - 1f, power);
        TensorPrimitives.Add(power, 1f - _alpha, power); // α_t = (1 − α) + (2α − 1)·y
        TensorPrimitives.Multiply(dx, power, dx);
        return TensorPrimitives.Dot(ce, power);
    }
}
