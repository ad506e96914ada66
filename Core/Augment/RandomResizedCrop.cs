namespace MLNet.Cnn.Augment;

/// <summary>
/// Cuts a random rectangle of random area and aspect ratio and resizes it to <see cref="Height"/>×<see cref="Width"/>
/// (torchvision RandomResizedCrop, the ImageNet "Inception crop"). The rectangle, as torchvision draws it: up to 10
/// attempts of (area, aspect) from <see cref="AreaAndAspect"/>, w = round(√(area·aspect)), h = round(√(area/aspect)),
/// accepted when 0 &lt; w ≤ W and 0 &lt; h ≤ H, placed at a uniform offset; else the centre crop whose aspect is
/// clamped into the ratio range. The crop is resized bilinearly (never reading outside it; no antialiasing), the mask
/// by nearest pixel, and the targets scaled by (Width / w, Height / h) after the shift.
/// </summary>
public sealed class RandomResizedCrop : IAugmentation
{
    private const int Attempts = 10;
    private readonly AreaAndAspect _shape;

    /// <param name="scale">The crop's share of the image area; default (0.08, 1).</param>
    /// <param name="ratio">The crop's aspect ratio width / height; default (3/4, 4/3).</param>
    public RandomResizedCrop(int height, int width, (double Min, double Max)? scale = null, (double Min, double Max)? ratio = null)
    {
        Height = AugmentArguments.Positive(height, nameof(height));
        Width = AugmentArguments.Positive(width, nameof(width));
        _shape = new AreaAndAspect(scale ?? (0.08, 1.0), ratio ?? (3.0 / 4, 4.0 / 3), nameof(scale), nameof(ratio));
    }

    /// <summary>The output height in pixels.</summary>
    public int Height { get; }
    /// <summary>The output width in pixels.</summary>
    public int Width { get; }
    /// <summary>The range of the crop's share of the image area.</summary>
    public (double Min, double Max) Scale => _shape.Scale;
    /// <summary>The range of the crop's aspect ratio, width / height.</summary>
    public (double Min, double Max) Ratio => _shape.Ratio;

    /// <inheritdoc/>
    public void Apply(AugmentationSample sample, Random random)
    {
        var crop = DrawCrop(random, sample.Height, sample.Width);
        var forward = AffineMap.Resize(crop.Left, crop.Top, crop.Width, crop.Height, Width, Height);
        Resampler.Apply(sample, new AffineSource(forward.Inverse()), Height, Width, crop, Border.Clamp, fill: 0);
        TargetMapping.Apply(sample, forward, Width, Height);
    }

    /// <summary>torchvision's RandomResizedCrop.get_params (Math.Round rounds half to even, as Python's round does).</summary>
    internal Resampler.Window DrawCrop(Random random, int height, int width)
    {
        for (int attempt = 0; attempt < Attempts; attempt++)
        {
            var (area, aspect) = _shape.Draw(random, (double)height * width);
            int w = (int)Math.Round(Math.Sqrt(area * aspect)), h = (int)Math.Round(Math.Sqrt(area / aspect));
            if (w > 0 && w <= width && h > 0 && h <= height)
            {
                int top = random.Next(height - h + 1), left = random.Next(width - w + 1);
                return new(top, left, h, w);
            }
        }
        double imageAspect = (double)width / height;
        var (cropHeight, cropWidth) =
            imageAspect < Ratio.Min ? (Math.Max(1, (int)Math.Round(width / Ratio.Min)), width) :
            imageAspect > Ratio.Max ? (height, Math.Max(1, (int)Math.Round(height * Ratio.Max))) :
            (height, width);
        return new((height - cropHeight) / 2, (width - cropWidth) / 2, cropHeight, cropWidth);
    }
}
