namespace MLNet.Cnn.Augment;

/// <summary>
/// Mirrors the image top–bottom with the given probability (torchvision RandomVerticalFlip): an exact copy, no
/// resampling. Row i takes row H − 1 − i, so a point y goes to H − y (boxes, keypoints) and the mask is mirrored.
/// </summary>
public sealed class VerticalFlip : IAugmentation
{
    /// <param name="probability">The chance, in [0, 1], that a sample is flipped upside down.</param>
    public VerticalFlip(double probability = 0.5) =>
        Probability = AugmentArguments.Probability(probability, nameof(probability));

    /// <summary>The chance, in [0, 1], that a sample is flipped upside down.</summary>
    public double Probability { get; }

    /// <inheritdoc/>
    public void Apply(AugmentationSample sample, Random random)
    {
        if (random.NextDouble() >= Probability) return;
        int height = sample.Height, width = sample.Width;
        AxisGather.Apply(sample, AxisGather.Reversed(height), AxisGather.Run(0, width));
        TargetMapping.Apply(sample, AffineMap.MirrorY(height), width, height);
    }
}
