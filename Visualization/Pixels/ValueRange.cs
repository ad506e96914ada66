namespace MLNet.Cnn.Visualization;

/// <summary>
/// The values mapped linearly onto the bytes 0…255: v → round(255 · (v − Min) / (Max − Min)), clamped to 0…255, halves
/// rounded away from zero. A constant input (Max = Min) maps to 0 (black).
/// </summary>
internal readonly record struct ValueRange(float Min, float Max)
{
    /// <summary>[0, 1], the range of an image's values; values outside it are clamped.</summary>
    public static ValueRange Unit => new(0, 1);

    /// <summary>The smallest and largest of <paramref name="values"/> (at least one, all finite).</summary>
    public static ValueRange Of(ReadOnlySpan<float> values)
    {
        float min = float.PositiveInfinity, max = float.NegativeInfinity;
        foreach (float v in values)
        {
            min = Math.Min(min, v);
            max = Math.Max(max, v);
        }
        return new(min, max);
    }

    /// <summary>The byte of <paramref name="value"/>.</summary>
    public byte ToByte(float value) => Max > Min ? UnitToByte(((double)value - Min) / ((double)Max - Min)) : (byte)0;

    /// <summary>A fraction t of full intensity as a byte: round(255 · t) with t clamped to [0, 1], halves away from zero.</summary>
    public static byte UnitToByte(double t) => (byte)Math.Round(255 * Math.Clamp(t, 0, 1), MidpointRounding.AwayFromZero);
}
