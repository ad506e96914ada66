namespace MLNet.Cnn.Visualization;

/// <summary>A color as 8-bit red, green and blue.</summary>
/// <param name="R">Red, 0…255.</param>
/// <param name="G">Green, 0…255.</param>
/// <param name="B">Blue, 0…255.</param>
public readonly record struct Rgb(byte R, byte G, byte B)
{
    /// <summary>(0, 0, 0).</summary>
    public static Rgb Black => new(0, 0, 0);

    /// <summary>(255, 255, 255).</summary>
    public static Rgb White => new(255, 255, 255);

    /// <summary>(255, 0, 0), the frame of a box in an image grid.</summary>
    public static Rgb Red => new(255, 0, 0);

    /// <summary>The gray of <paramref name="level"/>: R = G = B.</summary>
    public static Rgb Gray(byte level) => new(level, level, level);

    /// <inheritdoc/>
    public override string ToString() => $"({R}, {G}, {B})";
}
