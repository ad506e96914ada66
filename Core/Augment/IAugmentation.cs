namespace MLNet.Cnn.Augment;

/// <summary>
/// A random image transformation. <see cref="Apply"/> draws its parameters from the given <see cref="Random"/> once per call
/// (once per sample) and applies them to the image and, alike, to its boxes, keypoints and mask. The caller seeds
/// that <see cref="Random"/> per (seed, epoch, sample), which makes every draw reproducible and fresh every epoch.
/// Constructors refuse impossible settings (probabilities outside [0, 1], negative magnitudes, crops larger than the
/// image …) with an <see cref="ArgumentOutOfRangeException"/> naming the parameter and the value.
/// </summary>
public interface IAugmentation
{
    /// <summary>Transforms <paramref name="sample"/> in place: its pixels and, by the same drawn parameters, its boxes, keypoints and mask.</summary>
    /// <param name="sample">The image [C, H, W] and its optional targets; an op may change its height and width (crops, resizes).</param>
    /// <param name="random">The source of this call's random parameters, seeded by the caller per (seed, epoch, sample).</param>
    void Apply(AugmentationSample sample, Random random);
}
