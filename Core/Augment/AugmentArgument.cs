namespace MLNet.Cnn.Augment;

/// <summary>Constructor checks of the color and mixing ops: the error names the parameter and the value given.</summary>
internal static class AugmentArgument
{
    /// <summary>A finite <paramref name="value"/> in [<paramref name="min"/>, <paramref name="max"/>].</summary>
    public static double InRange(double value, double min, double max, string name)
    {
        if (!double.IsFinite(value) || value < min || value > max)
        {
            string range = double.IsPositiveInfinity(max) ? $"a finite number ≥ {min}" : $"in [{min}, {max}]";
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be {range}; {value} was given.");
        }
        return value;
    }
}
