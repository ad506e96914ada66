using MLNet.Cnn.Tensors;
using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;

namespace MLNet.Cnn.Training;

/// <summary>
/// The family of losses that are a mean of one term per element, ℓ(x, y), over a prediction and a target of the same
/// shape. The base checks the arguments and walks the tensors in chunks of ≤ <see cref="Chunk"/> elements with
/// scratch space on the stack; a concrete loss sums its terms over one chunk and writes their derivatives ∂ℓ/∂x.
/// </summary>
public abstract class ElementwiseLoss : ILoss
{
    /// <summary>Elements per chunk; each of the four scratch spans holds this many floats.</summary>
    private protected const int Chunk = 512;

    private readonly bool _targetsAreProbabilities;

    /// <param name="targetsAreProbabilities">Targets must lie in [0, 1] (otherwise they need only not be NaN).</param>
    private protected ElementwiseLoss(bool targetsAreProbabilities) => _targetsAreProbabilities = targetsAreProbabilities;

    // x, y, gradient [any shape, M elements]:  loss = Σ ℓ(x_i, y_i) / M,  gradient_i = ∂ℓ/∂x(x_i, y_i) / M
    /// <inheritdoc/>
    public double Compute(Tensor prediction, Tensor target, Tensor gradient)
    {
        LossArguments.PredictionAndGradient(prediction, target, gradient);
        Require.SameShape(target, prediction, nameof(target), nameof(prediction));
        if (_targetsAreProbabilities) LossArguments.Probabilities(target, nameof(target));
        else LossArguments.NoNaN(target, nameof(target));
        CheckShape(prediction);

        Span<float> scratch = stackalloc float[4 * Chunk];
        double total = 0;
        for (int start = 0; start < prediction.Length; start += Chunk)
        {
            int count = Math.Min(Chunk, prediction.Length - start);
            total += SumChunk(prediction.Span.Slice(start, count), target.Span.Slice(start, count),
                gradient.Span.Slice(start, count), scratch[..(4 * count)], start);
        }
        TensorPrimitives.Multiply(gradient.Span, 1f / prediction.Length, gradient.Span);
        return total / prediction.Length;
    }

    /// <summary>Checks the prediction's shape against the loss's own parameters (the default accepts any shape).</summary>
    private protected virtual void CheckShape(Tensor prediction) { }

    /// <summary>
    /// Returns Σ ℓ(x_i, y_i) over one chunk and writes ∂ℓ/∂x into <paramref name="dx"/>; <paramref name="scratch"/> holds
    /// four spans of x.Length floats (see <see cref="Part"/>); <paramref name="offset"/> is the chunk's first element.
    /// </summary>
    private protected abstract double SumChunk(ReadOnlySpan<float> x, ReadOnlySpan<float> y, Span<float> dx,
        Span<float> scratch, int offset);

    /// <summary>The <paramref name="index"/>-th (0 to 3) scratch span of a chunk.</summary>
    private protected static Span<float> Part(Span<float> scratch, int index) => scratch.Slice(index * (scratch.Length / 4), scratch.Length / 4);
}
