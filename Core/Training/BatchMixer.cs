using MLNet.Cnn.Augment;
using MLNet.Cnn.Tensors;

namespace MLNet.Cnn.Training;

/// <summary>
/// Runs <see cref="TrainerOptions.BatchMixing"/> over a gathered (and augmented) classification batch: mixes the images in
/// place and fills <see cref="SoftTargets"/> [N, K] for the loss and <see cref="DominantLabels"/> [N] for the training
/// accuracy — the label that carries the larger share (the image's own when λ ≥ ½), since a mixed image has no single
/// true class. A batch that the probability leaves unmixed gets its one-hot targets and its own labels. Buffers are
/// allocated once.
/// </summary>
internal sealed class BatchMixer(BatchMixing mixing, int batch, int classes, TensorShape imageShape)
{
    private readonly Tensor _originals = new(imageShape);
    private readonly int[] _partners = new int[batch];

    public Tensor SoftTargets { get; } = new(batch, classes);
    public Tensor DominantLabels { get; } = new(batch);

    /// <summary>Mixes images [N, C, H, W] whose class indices are <paramref name="labels"/> [N] (as floats).</summary>
    public void Mix(Tensor images, Tensor labels, Random random)
    {
        for (int i = 0; i < batch; i++) _partners[i] = i;
        double lambda = 1;
        if (random.NextDouble() < mixing.Probability)
        {
            lambda = random.Beta(mixing.Alpha, mixing.Alpha);
            random.Shuffle(_partners);
            images.Span.CopyTo(_originals.Span);
            lambda = mixing.Mix(images, _originals, _partners, lambda, random);
        }

        // ỹ_i = λ·onehot(y_i) + (1 − λ)·onehot(y_partner(i)); equal labels give a 1
        var soft = SoftTargets.Span;
        soft.Clear();
        for (int i = 0; i < batch; i++)
        {
            int own = (int)labels.Span[i], other = (int)labels.Span[_partners[i]];
            soft[i * classes + own] += (float)lambda;
            soft[i * classes + other] += (float)(1 - lambda);
            DominantLabels.Span[i] = lambda >= 0.5 ? own : other;
        }
    }
}
