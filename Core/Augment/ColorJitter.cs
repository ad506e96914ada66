namespace MLNet.Cnn.Augment;

/// <summary>
/// Random brightness, contrast, saturation and hue, as torchvision's <c>ColorJitter</c>: per call the four adjustments
/// run in a random order, each with a factor drawn uniformly from [max(0, 1 − m), 1 + m] for a magnitude m (the hue
/// shift from [−hue, hue] turns, hue ≤ 0.5); a magnitude of 0 leaves that adjustment out. The formulas are in
/// <see cref="ColorAdjust"/>: pixels are expected in [0, 1] (apply it before normalizing) and are clamped to [0, 1], as
/// torchvision clamps float images. On a 1-channel image only brightness and contrast act (a gray image has no
/// saturation or hue); other channel counts than 1 and 3 are refused unless only brightness is set.
/// </summary>
public sealed class ColorJitter : IAugmentation
{
    private enum Adjustment { Brightness, Contrast, Saturation, Hue }

    /// <param name="brightness">Brightness magnitude m ≥ 0: the factor is drawn from [max(0, 1 − m), 1 + m]; 0 leaves brightness alone.</param>
    /// <param name="contrast">Contrast magnitude, ≥ 0, drawn as for brightness.</param>
    /// <param name="saturation">Saturation magnitude, ≥ 0, drawn as for brightness (3-channel images only).</param>
    /// <param name="hue">Largest hue shift in turns, in [0, 0.5] (3-channel images only).</param>
    public ColorJitter(double brightness = 0, double contrast = 0, double saturation = 0, double hue = 0)
    {
        Brightness = AugmentArguments.InRange(brightness, 0, double.PositiveInfinity, nameof(brightness));
        Contrast = AugmentArguments.InRange(contrast, 0, double.PositiveInfinity, nameof(contrast));
        Saturation = AugmentArguments.InRange(saturation, 0, double.PositiveInfinity, nameof(saturation));
        Hue = AugmentArguments.InRange(hue, 0, 0.5, nameof(hue));
    }

    /// <summary>The brightness magnitude m: factors from [max(0, 1 − m), 1 + m].</summary>
    public double Brightness { get; }
    /// <summary>The contrast magnitude m: factors from [max(0, 1 − m), 1 + m].</summary>
    public double Contrast { get; }
    /// <summary>The saturation magnitude m: factors from [max(0, 1 − m), 1 + m].</summary>
    public double Saturation { get; }
    /// <summary>The largest hue shift, in turns (0 … 0.5).</summary>
    public double Hue { get; }

    /// <inheritdoc/>
    public void Apply(AugmentationSample sample, Random random)
    {
        Span<Adjustment> order = [Adjustment.Brightness, Adjustment.Contrast, Adjustment.Saturation, Adjustment.Hue];
        random.Shuffle(order);
        foreach (var adjustment in order)
        {
            switch (adjustment)
            {
                case Adjustment.Brightness when Brightness > 0: ColorAdjust.Brightness(sample, Factor(Brightness, random)); break;
                case Adjustment.Contrast when Contrast > 0: ColorAdjust.Contrast(sample, Factor(Contrast, random)); break;
                case Adjustment.Saturation when Saturation > 0: ColorAdjust.Saturation(sample, Factor(Saturation, random)); break;
                case Adjustment.Hue when Hue > 0: ColorAdjust.Hue(sample, random.Uniform(-Hue, Hue)); break;
            }
        }
    }

    private static double Factor(double magnitude, Random random) => random.Uniform(Math.Max(0, 1 - magnitude), 1 + magnitude);
}
