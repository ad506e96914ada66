namespace MLNet.Cnn.Augment;

/// <summary>
/// Pads the image by <see cref="Padding"/> on every side, then cuts a <see cref="Height"/>×<see cref="Width"/> window
/// at a uniform random offset (torchvision RandomCrop with padding; the CIFAR recipe is 32×32 with padding 4). An exact
/// copy: output pixel (i, j) is padded pixel (top + i, left + j), top ∈ [0, H + 2p − h], left ∈ [0, W + 2p − w].
/// Targets shift by (p − left, p − top); boxes are clamped to the crop (see <see cref="TargetMapping"/>).
/// </summary>
public sealed class RandomCrop : IAugmentation
{
    /// <param name="height">Crop height in pixels, at most the padded image height.</param>
    /// <param name="width">Crop width in pixels, at most the padded image width.</param>
    /// <param name="padding">Pixels added on every side before cropping, ≥ 0.</param>
    /// <param name="mode">How the padding is filled.</param>
    public RandomCrop(int height, int width, int padding = 0, PaddingMode mode = PaddingMode.Zero)
    {
        Height = AugmentArguments.Positive(height, nameof(height));
        Width = AugmentArguments.Positive(width, nameof(width));
        Padding = AugmentArguments.NonNegative(padding, nameof(padding));
        if (!Enum.IsDefined(mode)) throw AugmentArguments.OutOfRange(nameof(mode), mode, "Zero or Reflect");
        Mode = mode;
    }

    /// <summary>The crop height in pixels (the output height).</summary>
    public int Height { get; }
    /// <summary>The crop width in pixels (the output width).</summary>
    public int Width { get; }
    /// <summary>The pixels added on every side before cropping.</summary>
    public int Padding { get; }
    /// <summary>How the padding is filled.</summary>
    public PaddingMode Mode { get; }

    /// <inheritdoc/>
    public void Apply(AugmentationSample sample, Random random)
    {
        int paddedHeight = sample.Height + 2 * Padding, paddedWidth = sample.Width + 2 * Padding;
        if (Height > paddedHeight || Width > paddedWidth)
            throw new ArgumentOutOfRangeException(nameof(sample), $"{sample.Height}×{sample.Width}",
                $"The {Height}×{Width} crop is larger than the {sample.Height}×{sample.Width} image padded by {Padding} " +
                $"({paddedHeight}×{paddedWidth}).");
        int top = random.Next(paddedHeight - Height + 1), left = random.Next(paddedWidth - Width + 1);
        AxisGather.Apply(sample, SourceIndices(top - Padding, Height, sample.Height),
            SourceIndices(left - Padding, Width, sample.Width));
        TargetMapping.Apply(sample, AffineMap.Translation(Padding - left, Padding - top), Width, Height);
    }

    /// <summary>The source index of output positions start … start + count − 1 of an axis, padding included.</summary>
    private int[] SourceIndices(int start, int count, int size)
    {
        var indices = AxisGather.Run(start, count);
        foreach (ref int k in indices.AsSpan())
            if (k < 0 || k >= size) k = Mode == PaddingMode.Reflect ? MirrorIndex.Of(k, size) : AxisGather.Outside;
        return indices;
    }
}
