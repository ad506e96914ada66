namespace MLNet.Cnn.Augment;

/// <summary>The continuous distributions augmentation draws from, on top of <see cref="Random"/>'s uniform numbers.</summary>
internal static class RandomDistributions
{
    /// <summary>N(0, 1) by the Box–Muller transform: √(−2 ln u₁) · cos(2π u₂), u₁ ∈ (0, 1] so the logarithm is finite.</summary>
    public static double Normal(this Random random)
    {
        double u1 = 1 - random.NextDouble(), u2 = random.NextDouble();
        return Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }

    /// <summary>
    /// Beta(a, b) as X / (X + Y) with X ~ Gamma(a), Y ~ Gamma(b), written 1 / (1 + e^(ln Y − ln X)) so that shapes far
    /// below 1 (both Gamma draws underflowing to 0) still give a number in [0, 1].
    /// </summary>
    public static double Beta(this Random random, double a, double b)
    {
        double logX = random.LogGamma(a), logY = random.LogGamma(b);
        return 1 / (1 + Math.Exp(logY - logX));
    }

    /// <summary>
    /// ln X for X ~ Gamma(shape, 1), by Marsaglia and Tsang (2000): for shape ≥ 1, with d = shape − 1/3 and
    /// c = 1/√(9d), draw x ~ N(0, 1), v = (1 + c·x)³ and accept d·v when v &gt; 0 and ln u &lt; x²/2 + d − d·v + d·ln v.
    /// For shape &lt; 1, Gamma(shape) = Gamma(shape + 1) · u^(1/shape), i.e. ln X = ln Gamma(shape + 1) + ln(u) / shape.
    /// </summary>
    public static double LogGamma(this Random random, double shape)
    {
        if (shape < 1) return random.LogGamma(shape + 1) + Math.Log(1 - random.NextDouble()) / shape;
        double d = shape - 1.0 / 3, c = 1 / Math.Sqrt(9 * d);
        while (true)
        {
            double x = random.Normal(), v = 1 + c * x;
            if (v <= 0) continue;
            v = v * v * v;
            if (Math.Log(1 - random.NextDouble()) < x * x / 2 + d - d * v + d * Math.Log(v)) return Math.Log(d * v);
        }
    }
}
