namespace MLNet.Cnn.Training;

/// <summary>Checks of optimizer and schedule settings; the ArgumentException names the setting and the value given.</summary>
internal static class Hyperparameter
{
    /// <summary><paramref name="value"/> ≥ 0 and finite.</summary>
    public static float NonNegative(float value, string name) =>
        float.IsFinite(value) && value >= 0 ? value
            : throw new ArgumentException($"{name} must be a finite number ≥ 0; {value} was given.", name);

    /// <summary><paramref name="value"/> &gt; 0 and finite.</summary>
    public static float Positive(float value, string name) =>
        float.IsFinite(value) && value > 0 ? value
            : throw new ArgumentException($"{name} must be a finite number > 0; {value} was given.", name);

    public static int Positive(int value, string name) =>
        value > 0 ? value : throw new ArgumentException($"{name} must be positive; {value} was given.", name);

    public static int NonNegative(int value, string name) =>
        value >= 0 ? value : throw new ArgumentException($"{name} must not be negative; {value} was given.", name);

    /// <summary><paramref name="value"/> in [0, 1) (momentum, betas, smoothing constants).</summary>
    public static float Fraction(float value, string name) =>
        value >= 0 && value < 1 ? value
            : throw new ArgumentException($"{name} must be in [0, 1); {value} was given.", name);

    /// <summary><paramref name="value"/> in [0, 1) (sparsities).</summary>
    public static double Fraction(double value, string name) =>
        value >= 0 && value < 1 ? value
            : throw new ArgumentException($"{name} must be in [0, 1); {value} was given.", name);

    /// <summary><paramref name="value"/> in (0, 1) (decay factors of schedules, percentages).</summary>
    public static float OpenFraction(float value, string name) =>
        value > 0 && value < 1 ? value
            : throw new ArgumentException($"{name} must be in (0, 1); {value} was given.", name);
}
