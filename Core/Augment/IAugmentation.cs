namespace MLNet.Cnn.Augment;

/// <summary>
/// A random image transformation. <see cref="Apply"/> draws its parameters from <paramref name="random"/> once per call
/// (once per sample) and applies them to the image and, alike, to its boxes, keypoints and mask. The caller seeds
/// <paramref name="random"/> per (seed, epoch, sample), which makes every draw reproducible and fresh every epoch.
/// Constructors refuse impossible settings (probabilities outside [0, 1], negative magnitudes, crops larger than the
/// image …) with an <see cref="ArgumentOutOfRangeException"/> naming the parameter and the value.
/// </summary>
public interface IAugmentation
{
    void Apply(AugmentationSample sample, Random random);
}
