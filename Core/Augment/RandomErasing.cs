namespace MLNet.Cnn.Augment;

/// <summary>
/// Random erasing (Zhong et al. 2020, "Random Erasing Data Augmentation"; torchvision RandomErasing): with probability
/// <see cref="Probability"/>, sets a random rectangle of every channel to <see cref="Value"/>. The rectangle, as
/// torchvision draws it: up to 10 attempts of (area, aspect) from <see cref="AreaAndAspect"/>, h = round(√(area·aspect)),
/// w = round(√(area/aspect)), accepted when h &lt; H and w &lt; W, placed at a uniform offset; no rectangle fits in
/// 10 attempts → nothing is erased. Boxes, keypoints and mask are unchanged (the object is occluded, not moved).
/// Run it after normalization when <see cref="Value"/> is meant as a normalized value (torchvision's placement).
/// </summary>
public sealed class RandomErasing : IAugmentation
{
    private const int Attempts = 10;
    private readonly AreaAndAspect _shape;

    /// <param name="scale">The erased share of the image area; default (0.02, 0.33).</param>
    /// <param name="ratio">The rectangle's aspect ratio height / width; default (0.3, 3.3).</param>
    public RandomErasing(double probability = 0.5, (double Min, double Max)? scale = null, (double Min, double Max)? ratio = null,
        float value = 0)
    {
        Probability = AugmentArguments.Probability(probability, nameof(probability));
        _shape = new AreaAndAspect(scale ?? (0.02, 0.33), ratio ?? (0.3, 3.3), nameof(scale), nameof(ratio));
        Value = value;
    }

    /// <summary>The chance, in [0, 1], that a sample gets an erased rectangle.</summary>
    public double Probability { get; }
    /// <summary>The range of the erased share of the image area.</summary>
    public (double Min, double Max) Scale => _shape.Scale;
    /// <summary>The range of the rectangle's aspect ratio, height / width.</summary>
    public (double Min, double Max) Ratio => _shape.Ratio;
    /// <summary>The value written into every channel of the erased rectangle.</summary>
    public float Value { get; }

    /// <inheritdoc/>
    public void Apply(AugmentationSample sample, Random random)
    {
        if (random.NextDouble() >= Probability) return;
        if (DrawRectangle(random, sample.Height, sample.Width) is not (int top, int left, int h, int w)) return;
        for (int c = 0; c < sample.Channels; c++)
        {
            var plane = sample.Plane(c);
            for (int i = top; i < top + h; i++) plane.Slice(i * sample.Width + left, w).Fill(Value);
        }
    }

    /// <summary>torchvision's RandomErasing.get_params (Math.Round rounds half to even, as Python's round does).</summary>
    internal (int Top, int Left, int Height, int Width)? DrawRectangle(Random random, int height, int width)
    {
        for (int attempt = 0; attempt < Attempts; attempt++)
        {
            var (area, aspect) = _shape.Draw(random, (double)height * width);
            int h = (int)Math.Round(Math.Sqrt(area * aspect)), w = (int)Math.Round(Math.Sqrt(area / aspect));
            if (h < height && w < width)
                return (random.Next(height - h + 1), random.Next(width - w + 1), h, w);
        }
        return null;
    }
}
