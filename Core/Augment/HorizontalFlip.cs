namespace MLNet.Cnn.Augment;

/// <summary>
/// Mirrors the image left–right with the given probability (torchvision RandomHorizontalFlip): an exact copy, no
/// resampling. Column j takes column W − 1 − j, so a point x goes to W − x (boxes, keypoints) and the mask is mirrored.
/// </summary>
public sealed class HorizontalFlip : IAugmentation
{
    /// <param name="probability">The chance, in [0, 1], that a sample is mirrored.</param>
    public HorizontalFlip(double probability = 0.5) =>
        Probability = AugmentArguments.Probability(probability, nameof(probability));

    /// <summary>The chance, in [0, 1], that a sample is mirrored.</summary>
    public double Probability { get; }

    /// <inheritdoc/>
    public void Apply(AugmentationSample sample, Random random)
    {
        if (random.NextDouble() >= Probability) return;
        int height = sample.Height, width = sample.Width;
        AxisGather.Apply(sample, AxisGather.Run(0, height), AxisGather.Reversed(width));
        TargetMapping.Apply(sample, AffineMap.MirrorX(width), width, height);
    }
}
