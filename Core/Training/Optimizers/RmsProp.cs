using System.Numerics.Tensors;
using MLNet.Cnn.Layers;

namespace MLNet.Cnn.Training;

/// <summary>
/// RMSprop (Hinton), as torch.optim.RMSprop:
/// <code>
/// s ← α·s + (1 − α)·g²
/// ḡ ← α·ḡ + (1 − α)·g,  a = √(s − ḡ²) + ε   (centered)   or   a = √s + ε
/// b ← μ·b + g/a,  w ← w − lr·b                (momentum)   or   w ← w − lr·g/a
/// </code>
/// </summary>
public sealed class RmsProp : Optimizer
{
    /// <param name="parameters">The parameters to update.</param>
    /// <param name="learningRate">The step size.</param>
    /// <param name="alpha">The decay rate of the mean squared gradient.</param>
    /// <param name="epsilon">Added to the denominator for stability.</param>
    /// <param name="momentum">The momentum factor (0: none).</param>
    /// <param name="centered">Normalize by the estimated variance of the gradient instead of its second moment.</param>
    public RmsProp(IEnumerable<Parameter> parameters, float learningRate = 1e-2f, float alpha = 0.99f, float epsilon = 1e-8f,
        float momentum = 0, bool centered = false)
        : base(parameters, learningRate)
    {
        Alpha = Hyperparameter.Fraction(alpha, nameof(alpha));
        Epsilon = Hyperparameter.NonNegative(epsilon, nameof(epsilon));
        Momentum = Hyperparameter.Fraction(momentum, nameof(momentum));
        Centered = centered;
    }

    /// <summary>The decay rate of the mean squared gradient.</summary>
    public float Alpha { get; }
    /// <summary>Added to the denominator for stability.</summary>
    public float Epsilon { get; }
    /// <summary>The momentum factor (0: none).</summary>
    public float Momentum { get; }
    /// <summary>Whether the gradient's estimated variance is used (centered RMSProp).</summary>
    public bool Centered { get; }

    /// <summary>s, then ḡ (centered), then b (momentum).</summary>
    protected override int SlotCount => 1 + (Centered ? 1 : 0) + (Momentum > 0 ? 1 : 0);

    /// <inheritdoc/>
    protected override void Update(Span<float> value, ReadOnlySpan<float> gradient, float[][] slots, int step)
    {
        Span<float> squareAverage = slots[0], a = Scratch(value.Length);
        TensorPrimitives.Multiply(gradient, gradient, a);
        TensorPrimitives.Multiply(squareAverage, Alpha, squareAverage);
        TensorPrimitives.MultiplyAdd(a, 1 - Alpha, squareAverage, squareAverage);
        if (Centered)
        {
            Span<float> gradientAverage = slots[1];
            TensorPrimitives.Multiply(gradientAverage, Alpha, gradientAverage);
            TensorPrimitives.MultiplyAdd(gradient, 1 - Alpha, gradientAverage, gradientAverage);
            TensorPrimitives.Multiply(gradientAverage, gradientAverage, a);
            TensorPrimitives.Subtract(squareAverage, a, a);
            TensorPrimitives.Sqrt(a, a);
        }
        else
        {
            TensorPrimitives.Sqrt(squareAverage, a);
        }
        TensorPrimitives.Add(a, Epsilon, a);
        TensorPrimitives.Divide(gradient, a, a);   // g/a
        if (Momentum > 0)
        {
            Span<float> b = slots[^1];
            TensorPrimitives.MultiplyAdd(b, Momentum, a, b);
            a = b;
        }
        TensorPrimitives.MultiplyAdd(a, -LearningRate, value, value);
    }
}
