using System.Numerics.Tensors;
using MLNet.Cnn.Layers;

namespace MLNet.Cnn.Training;

/// <summary>
/// Stochastic gradient descent with optional momentum μ and dampening τ, in torch.optim.SGD's order:
/// <code>
/// b₁ = g₁,  b_t = μ·b_{t−1} + (1 − τ)·g_t      (the first buffer is the gradient itself, undamped)
/// d = g + μ·b (Nesterov)  or  d = b            (d = g without momentum)
/// w ← w − lr·d
/// </code>
/// </summary>
public sealed class Sgd : Optimizer
{
    /// <param name="parameters">The parameters to update.</param>
    /// <param name="learningRate">The step size.</param>
    /// <param name="momentum">The momentum factor (0: plain SGD).</param>
    /// <param name="nesterov">Use Nesterov momentum (needs momentum &gt; 0 and no dampening).</param>
    /// <param name="dampening">The share of the new gradient held back from the momentum buffer.</param>
    public Sgd(IEnumerable<Parameter> parameters, float learningRate = 1e-3f, float momentum = 0, bool nesterov = false, float dampening = 0)
        : base(parameters, learningRate)
    {
        Momentum = Hyperparameter.Fraction(momentum, nameof(momentum));
        if (!(dampening >= 0 && dampening <= 1))
            throw new ArgumentException($"dampening must be in [0, 1]; {dampening} was given.", nameof(dampening));
        if (nesterov && (momentum == 0 || dampening != 0))
            throw new ArgumentException(
                $"nesterov needs momentum > 0 and dampening = 0; momentum {momentum} and dampening {dampening} were given.", nameof(nesterov));
        Dampening = dampening;
        Nesterov = nesterov;
    }

    /// <summary>The momentum factor (0: plain SGD).</summary>
    public float Momentum { get; }
    /// <summary>The share of the new gradient held back from the momentum buffer.</summary>
    public float Dampening { get; }
    /// <summary>Whether Nesterov momentum is used.</summary>
    public bool Nesterov { get; }

    /// <inheritdoc/>
    protected override int SlotCount => Momentum > 0 ? 1 : 0;

    /// <inheritdoc/>
    protected override void Update(Span<float> value, ReadOnlySpan<float> gradient, float[][] slots, int step)
    {
        ReadOnlySpan<float> direction = gradient;
        if (Momentum > 0)
        {
            Span<float> b = slots[0];
            if (step == 1)
            {
                gradient.CopyTo(b);
            }
            else
            {
                TensorPrimitives.Multiply(b, Momentum, b);
                TensorPrimitives.MultiplyAdd(gradient, 1 - Dampening, b, b);
            }
            if (Nesterov)
            {
                var d = Scratch(value.Length);
                TensorPrimitives.MultiplyAdd(b, Momentum, gradient, d);
                direction = d;
            }
            else
            {
                direction = b;
            }
        }
        TensorPrimitives.MultiplyAdd(direction, -LearningRate, value, value);
    }
}
