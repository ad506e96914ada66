using System.Numerics.Tensors;
using MLNet.Cnn.Layers;

namespace MLNet.Cnn.Training;

/// <summary>
/// Adam (Kingma and Ba), with torch.optim.Adam's bias correction and optional AMSGrad:
/// <code>
/// m ← β₁·m + (1 − β₁)·g
/// v ← β₂·v + (1 − β₂)·g²
/// v̂ ← max(v̂, v) (AMSGrad)  or  v̂ = v
/// w ← w − lr/(1 − β₁ᵗ) · m / (√v̂ / √(1 − β₂ᵗ) + ε)
/// </code>
/// Weight decay is coupled (L2) unless <see cref="Optimizer.DecoupledWeightDecay"/> is set, which makes it <see cref="AdamW"/>.
/// </summary>
public class Adam : Optimizer
{
    /// <param name="parameters">The parameters to update.</param>
    /// <param name="learningRate">The step size (a schedule may change it every step).</param>
    /// <param name="beta1">The decay rate of the first moment (the mean of the gradients).</param>
    /// <param name="beta2">The decay rate of the second moment (the mean of the squared gradients).</param>
    /// <param name="epsilon">Added to the denominator for stability.</param>
    /// <param name="amsgrad">Use the maximum of the second moments so far (AMSGrad).</param>
    public Adam(IEnumerable<Parameter> parameters, float learningRate = 1e-3f, float beta1 = 0.9f, float beta2 = 0.999f,
        float epsilon = 1e-8f, bool amsgrad = false)
        : base(parameters, learningRate)
    {
        Beta1 = Hyperparameter.Fraction(beta1, nameof(beta1));
        Beta2 = Hyperparameter.Fraction(beta2, nameof(beta2));
        Epsilon = Hyperparameter.NonNegative(epsilon, nameof(epsilon));
        Amsgrad = amsgrad;
    }

    /// <summary>The decay rate of the first moment.</summary>
    public float Beta1 { get; }
    /// <summary>The decay rate of the second moment.</summary>
    public float Beta2 { get; }
    /// <summary>Added to the denominator for stability.</summary>
    public float Epsilon { get; }
    /// <summary>Whether AMSGrad's running maximum of the second moment is used.</summary>
    public bool Amsgrad { get; }

    /// <summary>m, v and (AMSGrad) the running maximum v̂.</summary>
    protected override int SlotCount => Amsgrad ? 3 : 2;

    /// <inheritdoc/>
    protected override void Update(Span<float> value, ReadOnlySpan<float> gradient, float[][] slots, int step)
    {
        Span<float> m = slots[0], v = slots[1], s = Scratch(value.Length);
        TensorPrimitives.Multiply(m, Beta1, m);
        TensorPrimitives.MultiplyAdd(gradient, 1 - Beta1, m, m);
        TensorPrimitives.Multiply(gradient, gradient, s);
        TensorPrimitives.Multiply(v, Beta2, v);
        TensorPrimitives.MultiplyAdd(s, 1 - Beta2, v, v);
        ReadOnlySpan<float> vHat = v;
        if (Amsgrad)
        {
            TensorPrimitives.Max(slots[2], v, slots[2]);
            vHat = slots[2];
        }
        double correction1 = 1 - Math.Pow(Beta1, step), correction2 = 1 - Math.Pow(Beta2, step);
        TensorPrimitives.Sqrt(vHat, s);
        TensorPrimitives.Divide(s, (float)Math.Sqrt(correction2), s);
        TensorPrimitives.Add(s, Epsilon, s);
        TensorPrimitives.Divide(m, s, s);
        TensorPrimitives.MultiplyAdd(s, (float)(-LearningRate / correction1), value, value);
    }
}
