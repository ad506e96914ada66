namespace MLNet.Cnn.Augment;

/// <summary>
/// The four adjustments of <see cref="ColorJitter"/> with explicit factors, as torchvision's functional
/// <c>adjust_brightness</c>, <c>adjust_contrast</c>, <c>adjust_saturation</c> and <c>adjust_hue</c> compute them on float
/// images: pixels in [0, 1], every blend clamped back to [0, 1]. Images have 1 (gray) or 3 (RGB) channels; on a gray
/// image saturation and hue leave the pixels as they are (torchvision v2 does the same: a gray image has neither).
/// </summary>
internal static class ColorAdjust
{
    // ITU-R 601-2 luma, the weights of torchvision's rgb_to_grayscale (and PIL's convert("L")).
    private const float Red = 0.2989f, Green = 0.587f, Blue = 0.114f;

    /// <summary>x ← clamp(f·x, 0, 1): a blend with a black image.</summary>
    public static void Brightness(AugmentationSample sample, double factor)
    {
        foreach (ref float x in sample.Pixels) x = Blend(x, 0, factor);
    }

    /// <summary>x ← clamp(f·x + (1 − f)·m, 0, 1), m the mean of the grayscale image (one number per image).</summary>
    public static void Contrast(AugmentationSample sample, double factor)
    {
        RequireGrayOrRgb(sample, "contrast");
        double sum = 0;
        if (sample.Channels == 1)
            foreach (float x in sample.Pixels) sum += x;
        else
        {
            Span<float> r = sample.Plane(0), g = sample.Plane(1), b = sample.Plane(2);
            for (int i = 0; i < r.Length; i++) sum += Gray(r[i], g[i], b[i]);
        }
        float mean = (float)(sum / (sample.Height * sample.Width));
        foreach (ref float x in sample.Pixels) x = Blend(x, mean, factor);
    }

    /// <summary>Each channel x ← clamp(f·x + (1 − f)·gray, 0, 1), gray the pixel's luma: f = 0 gives the grayscale image.</summary>
    public static void Saturation(AugmentationSample sample, double factor)
    {
        RequireGrayOrRgb(sample, "saturation");
        if (sample.Channels == 1) return;
        Span<float> r = sample.Plane(0), g = sample.Plane(1), b = sample.Plane(2);
        for (int i = 0; i < r.Length; i++)
        {
            float gray = Gray(r[i], g[i], b[i]);
            (r[i], g[i], b[i]) = (Blend(r[i], gray, factor), Blend(g[i], gray, factor), Blend(b[i], gray, factor));
        }
    }

    /// <summary>Rotates every pixel's hue by <paramref name="shift"/> turns (−0.5 … 0.5): RGB → HSV, h ← (h + shift) mod 1, HSV → RGB.</summary>
    public static void Hue(AugmentationSample sample, double shift)
    {
        RequireGrayOrRgb(sample, "hue");
        if (sample.Channels == 1) return;
        Span<float> r = sample.Plane(0), g = sample.Plane(1), b = sample.Plane(2);
        for (int i = 0; i < r.Length; i++)
        {
            var (h, s, v) = ToHsv(r[i], g[i], b[i]);
            h += shift;
            (r[i], g[i], b[i]) = ToRgb(h - Math.Floor(h), s, v);
        }
    }

    private static float Gray(float r, float g, float b) => Red * r + Green * g + Blue * b;

    private static float Blend(float x, float other, double factor) => Math.Clamp((float)(factor * x + (1 - factor) * other), 0f, 1f);

    /// <summary>
    /// Hue h ∈ [0, 1) in turns, saturation s = (max − min) / max, value v = max; with M the largest channel, h·6 is
    /// (g − b)/(M − m) for M = r, 2 + (b − r)/(M − m) for M = g, 4 + (r − g)/(M − m) for M = b (taken mod 6); gray pixels get h = s = 0.
    /// </summary>
    private static (double H, double S, double V) ToHsv(double r, double g, double b)
    {
        double max = Math.Max(r, Math.Max(g, b)), min = Math.Min(r, Math.Min(g, b)), range = max - min;
        if (range == 0) return (0, 0, max);
        double sixths = max == r ? (g - b) / range : max == g ? 2 + (b - r) / range : 4 + (r - g) / range;
        double h = sixths / 6;
        return (h - Math.Floor(h), range / max, max);
    }

    /// <summary>
    /// The inverse of <see cref="ToHsv"/>: sector i = ⌊6h⌋, f = 6h − i, p = v(1 − s), q = v(1 − s·f), t = v(1 − s(1 − f)),
    /// and (r, g, b) = (v, t, p), (q, v, p), (p, v, t), (p, q, v), (t, p, v), (v, p, q) for i = 0 … 5.
    /// </summary>
    private static (float R, float G, float B) ToRgb(double h, double s, double v)
    {
        double sector = Math.Floor(h * 6), f = h * 6 - sector;
        float p = (float)(v * (1 - s)), q = (float)(v * (1 - s * f)), t = (float)(v * (1 - s * (1 - f))), vf = (float)v;
        return ((int)sector % 6) switch
        {
            0 => (vf, t, p),
            1 => (q, vf, p),
            2 => (p, vf, t),
            3 => (p, q, vf),
            4 => (t, p, vf),
            _ => (vf, p, q),
        };
    }

    private static void RequireGrayOrRgb(AugmentationSample sample, string adjustment)
    {
        if (sample.Channels is not (1 or 3))
            throw new ArgumentException(
                $"ColorJitter's {adjustment} needs a gray (1-channel) or RGB (3-channel) image; this one has {sample.Channels} channels.", nameof(sample));
    }
}
