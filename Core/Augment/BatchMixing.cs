using MLNet.Cnn.Tensors;

namespace MLNet.Cnn.Augment;

/// <summary>
/// Mixing of whole classification batches (<see cref="Mixup"/>, <see cref="CutMix"/>), set in the trainer's options:
/// with probability <see cref="Probability"/> per batch, draw λ ~ Beta(α, α) and a random partner for every image, mix
/// each image with its partner's, and train on the soft targets λ·onehot(y) + (1 − λ)·onehot(y_partner) (the loss must
/// accept class probabilities [N, K], as <c>SoftmaxCrossEntropy</c> does; its label smoothing still applies). One λ
/// and one permutation per batch, as in both papers' code. Regression targets cannot be mixed this way: the trainer refuses it.
/// </summary>
public abstract class BatchMixing
{
    private protected BatchMixing(double alpha, double probability)
    {
        Alpha = AugmentArguments.InRange(alpha, double.Epsilon, double.PositiveInfinity, nameof(alpha));
        Probability = AugmentArguments.InRange(probability, 0, 1, nameof(probability));
    }

    /// <summary>α of the Beta(α, α) distribution of λ: small α gives λ near 0 or 1 (light mixing), α = 1 a uniform λ.</summary>
    public double Alpha { get; }

    /// <summary>The share of batches that are mixed; the others train on their plain one-hot targets.</summary>
    public double Probability { get; }

    /// <summary>
    /// Mixes images [N, C, H, W] in place: image i with <paramref name="originals"/>[partners[i]] (the batch as it was
    /// before mixing), for the drawn <paramref name="lambda"/>. Returns the share of image i left in the result, which the
    /// targets must carry (CutMix's box is clipped to the image, which changes it).
    /// </summary>
    internal abstract double Mix(Tensor images, Tensor originals, ReadOnlySpan<int> partners, double lambda, Random random);
}
