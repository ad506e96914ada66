namespace MLNet.Cnn.Augment;

/// <summary>
/// The constructor checks of the augmentation ops: each throws an <see cref="ArgumentOutOfRangeException"/> whose
/// parameter name is the op's parameter and whose message states the value given and the range allowed.
/// </summary>
internal static class AugmentArguments
{
    public static double Probability(double value, string name) =>
        value is >= 0 and <= 1 ? value : throw OutOfRange(name, value, "a probability in [0, 1]");

    public static double NonNegative(double value, string name) =>
        value >= 0 && double.IsFinite(value) ? value : throw OutOfRange(name, value, "a finite value ≥ 0");

    /// <summary>A finite value in [min, max] (max may be +∞: then any finite value ≥ min).</summary>
    public static double InRange(double value, double min, double max, string name) =>
        double.IsFinite(value) && value >= min && value <= max
            ? value
            : throw OutOfRange(name, value, double.IsPositiveInfinity(max) ? $"a finite value ≥ {min}" : $"in [{min}, {max}]");

    public static int Positive(int value, string name) =>
        value > 0 ? value : throw OutOfRange(name, value, "a positive size");

    public static int NonNegative(int value, string name) =>
        value >= 0 ? value : throw OutOfRange(name, value, "a value ≥ 0");

    /// <summary>A (min, max) range with min ≤ max, both inside [lowest, highest] (an open end when its flag says so).</summary>
    public static (double Min, double Max) Range((double Min, double Max) value, string name, double lowest, double highest,
        bool lowestOpen = false, string? allowed = null)
    {
        bool Inside(double v) => (lowestOpen ? v > lowest : v >= lowest) && v <= highest;
        if (!Inside(value.Min) || !Inside(value.Max) || value.Min > value.Max)
            throw OutOfRange(name, value, allowed ?? $"min ≤ max, both in {(lowestOpen ? "(" : "[")}{lowest}, {highest}]");
        return value;
    }

    public static ArgumentOutOfRangeException OutOfRange(string name, object value, string allowed) =>
        new(name, value, $"{name} must be {allowed}; {value} was given.");
}
