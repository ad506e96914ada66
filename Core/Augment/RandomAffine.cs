namespace MLNet.Cnn.Augment;

/// <summary>
/// A random rotation, translation, scaling and shear about the image centre (torchvision RandomAffine, same draws in
/// the same order). With the centre c = (W/2, H/2), a point p of the input lands at
///   p' = c + t + s·R(θ)·Sh(φ)·(p − c),   R(θ) = [cos θ  −sin θ; sin θ  cos θ],   Sh(φ) = [1  −tan φ; 0  1]
/// θ ~ U(−degrees, degrees); y points down, so θ &gt; 0 turns the image clockwise on screen (torchvision's affine).
/// t = (round(U(−tx·W, tx·W)), round(U(−ty·H, ty·H))) pixels, s ~ U(scale), φ ~ U(−shear, shear) along x.
/// Pixels are sampled through the inverse map (bilinear, <see cref="Fill"/> outside), the mask by nearest pixel
/// (class 0 outside); keypoints and box corners go through the forward map (see <see cref="TargetMapping"/>).
/// </summary>
public sealed class RandomAffine : IAugmentation
{
    /// <param name="degrees">Rotation range ±degrees, ≥ 0.</param>
    /// <param name="translate">Largest shift as a fraction of the width and of the height, each in [0, 1]; none by default.</param>
    /// <param name="scale">Scale factor range, 0 &lt; min ≤ max; 1 by default.</param>
    /// <param name="shear">Shear range ±shear degrees along x, in [0, 90).</param>
    /// <param name="fill">The pixel value where the image uncovers the outside.</param>
    public RandomAffine(double degrees, (double X, double Y)? translate = null, (double Min, double Max)? scale = null,
        double shear = 0, float fill = 0)
    {
        Degrees = AugmentArguments.NonNegative(degrees, nameof(degrees));
        if (translate is { } t && !(t.X is >= 0 and <= 1 && t.Y is >= 0 and <= 1))
            throw AugmentArguments.OutOfRange(nameof(translate), t, "fractions of the image size, each in [0, 1]");
        Translate = translate ?? (0, 0);
        Scale = AugmentArguments.Range(scale ?? (1, 1), nameof(scale), 0, double.MaxValue, lowestOpen: true,
            allowed: "min ≤ max, both positive and finite");
        Shear = shear is >= 0 and < 90 ? shear : throw AugmentArguments.OutOfRange(nameof(shear), shear, "degrees in [0, 90)");
        Fill = fill;
    }

    /// <summary>The rotation range: θ is drawn from [−Degrees, Degrees] degrees.</summary>
    public double Degrees { get; }
    /// <summary>The largest shifts as fractions of the width (X) and of the height (Y); (0, 0) when none.</summary>
    public (double X, double Y) Translate { get; }
    /// <summary>The range the scale factor is drawn from; (1, 1) when the size is kept.</summary>
    public (double Min, double Max) Scale { get; }
    /// <summary>The shear range along x: φ is drawn from [−Shear, Shear] degrees.</summary>
    public double Shear { get; }
    /// <summary>The pixel value where the moved image uncovers the outside.</summary>
    public float Fill { get; }

    /// <inheritdoc/>
    public void Apply(AugmentationSample sample, Random random)
    {
        int height = sample.Height, width = sample.Width;
        var forward = DrawMap(random, height, width);
        Resampler.Apply(sample, new AffineSource(forward.Inverse()), height, width, new(0, 0, height, width), Border.Fill, Fill);
        TargetMapping.Apply(sample, forward, width, height);
    }

    /// <summary>The forward map p ↦ p' of one draw.</summary>
    internal AffineMap DrawMap(Random random, int height, int width)
    {
        double theta = Radians(random.Uniform(-Degrees, Degrees));
        double tx = Math.Round(random.Uniform(-Translate.X * width, Translate.X * width));
        double ty = Math.Round(random.Uniform(-Translate.Y * height, Translate.Y * height));
        double s = random.Uniform(Scale.Min, Scale.Max);
        double phi = Radians(random.Uniform(-Shear, Shear));
        // M = s·R(θ)·Sh(φ)
        double cos = Math.Cos(theta), sin = Math.Sin(theta), tan = Math.Tan(phi);
        double a = s * cos, b = s * (-cos * tan - sin), d = s * sin, e = s * (-sin * tan + cos);
        // p' = M·p + (c + t − M·c)
        double cx = width / 2.0, cy = height / 2.0;
        return new AffineMap(a, b, cx + tx - (a * cx + b * cy), d, e, cy + ty - (d * cx + e * cy));
    }

    private static double Radians(double degrees) => degrees * Math.PI / 180;
}
