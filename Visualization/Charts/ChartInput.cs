namespace MLNet.Cnn.Visualization;

/// <summary>The checks of the charts' inputs, with messages that name the argument and what was expected.</summary>
internal static class ChartInput
{
    /// <summary>Refuses a NaN or an infinity, naming it by <paramref name="what"/> (e.g. "counts[2][3]") in the argument <paramref name="parameter"/>.</summary>
    public static void Finite(double value, string what, string parameter)
    {
        if (!double.IsFinite(value)) throw new ArgumentException($"{what} is {value}; a chart takes finite numbers.", parameter);
    }

    /// <summary>Refuses an empty or missing output path and a size below 1 pixel.</summary>
    public static void Output(string path, int width, int height)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (width < 1 || height < 1) throw new ArgumentOutOfRangeException(nameof(width), $"A chart needs at least 1×1 pixels; got {width}×{height}.");
    }

    /// <summary>Refuses class names that do not number <paramref name="count"/>, or a null name.</summary>
    public static void ClassNames(IReadOnlyList<string> classNames, int count, string what)
    {
        ArgumentNullException.ThrowIfNull(classNames);
        if (classNames.Count != count || classNames.Any(n => n is null))
            throw new ArgumentException($"{classNames.Count} class names (none may be null) for {count} {what}.", nameof(classNames));
    }
}
