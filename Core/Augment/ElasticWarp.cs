namespace MLNet.Cnn.Augment;

/// <summary>
/// Elastic distortion (Simard, Steinkraus and Platt 2003, "Best practices for convolutional neural networks applied to
/// visual document analysis"): two random fields dx, dy [H, W] with values U(−1, 1), each smoothed by a Gaussian of
/// standard deviation <see cref="Sigma"/> pixels and scaled by <see cref="Alpha"/>; output pixel (i, j) then samples the
/// input bilinearly at its centre + (dx, dy)[i, j] pixels (0 outside), the mask by nearest pixel. Simard's MNIST
/// setting is σ = 4, α = 34. Applied with probability <see cref="Probability"/>.
/// The field is an inverse map, so the targets move by its approximate inverse: a point q goes to q − d(q), with d read
/// bilinearly at q — exact for a constant field, close while d changes little over a distance |d| (a smooth field:
/// σ large, α moderate).
/// Keypoints move so; a box becomes the min/max of its four moved corners, clamped (<see cref="TargetMapping"/>).
/// </summary>
public sealed class ElasticWarp : IAugmentation
{
    /// <param name="alpha">Displacement scale in pixels, ≥ 0.</param>
    /// <param name="sigma">Smoothing in pixels, ≥ 0 (0: unsmoothed noise).</param>
    /// <param name="probability">Chance of warping a sample, in [0, 1].</param>
    public ElasticWarp(double alpha = 34, double sigma = 4, double probability = 1)
    {
        Alpha = AugmentArguments.NonNegative(alpha, nameof(alpha));
        Sigma = AugmentArguments.NonNegative(sigma, nameof(sigma));
        Probability = AugmentArguments.Probability(probability, nameof(probability));
    }

    /// <summary>α, the displacement scale in pixels.</summary>
    public double Alpha { get; }
    /// <summary>σ, the standard deviation in pixels of the Gaussian that smooths the random field.</summary>
    public double Sigma { get; }
    /// <summary>The chance, in [0, 1], that a sample is warped.</summary>
    public double Probability { get; }

    /// <inheritdoc/>
    public void Apply(AugmentationSample sample, Random random)
    {
        if (random.NextDouble() >= Probability) return;
        int height = sample.Height, width = sample.Width;
        var field = new DisplacementSource(DrawField(random, height, width), DrawField(random, height, width), width);
        Resampler.Apply(sample, field, height, width, new(0, 0, height, width), Border.Fill, fill: 0);
        TargetMapping.Apply(sample, new ApproximateInverse(field, height), width, height);
    }

    /// <summary>α·G_σ * U(−1, 1): one smoothed displacement component [H, W].</summary>
    private float[] DrawField(Random random, int height, int width)
    {
        var field = new float[height * width];
        for (int k = 0; k < field.Length; k++) field[k] = (float)random.Uniform(-1, 1);
        GaussianSmoothing.Apply(field, height, width, Sigma);
        for (int k = 0; k < field.Length; k++) field[k] *= (float)Alpha;
        return field;
    }

    /// <summary>q ↦ q − d(q), d bilinear between the pixel centres (clamped at the border).</summary>
    private readonly record struct ApproximateInverse(DisplacementSource Field, int Height) : IPointMap
    {
        public (double X, double Y) Map(double x, double y)
        {
            // The displacement of a pixel sits at its centre: bilinear weights of the four nearest centres.
            int width = Field.Width;
            double u = Math.Clamp(x - 0.5, 0, width - 1), v = Math.Clamp(y - 0.5, 0, Height - 1);
            int c0 = (int)u, r0 = (int)v, c1 = Math.Min(c0 + 1, width - 1), r1 = Math.Min(r0 + 1, Height - 1);
            double lambda = u - c0, mu = v - r0;
            double Blend(float[] d) =>
                (1 - mu) * ((1 - lambda) * d[r0 * width + c0] + lambda * d[r0 * width + c1]) +
                mu * ((1 - lambda) * d[r1 * width + c0] + lambda * d[r1 * width + c1]);
            return (x - Blend(Field.Dx), y - Blend(Field.Dy));
        }
    }
}
