namespace MLNet.Cnn.Detection;

/// <summary>
/// An axis-aligned box as (x1, y1, x2, y2) in absolute pixel coordinates, x to the right and y downwards: pixel
/// (row i, column j) covers [j, j + 1) × [i, i + 1), so the tight box of pixels in columns c0 … c1 and rows r0 … r1 is
/// (c0, r0, c1 + 1, r1 + 1), and its <see cref="Area"/> is (x2 − x1)·(y2 − y1) with no "+1" (DESIGN.md's convention).
/// </summary>
public readonly record struct Box(float X1, float Y1, float X2, float Y2)
{
    /// <summary>x2 − x1, in pixels.</summary>
    public float Width => X2 - X1;
    /// <summary>y2 − y1, in pixels.</summary>
    public float Height => Y2 - Y1;
    /// <summary>Width · height, in square pixels (no "+1").</summary>
    public float Area => Width * Height;

    /// <inheritdoc/>
    public override string ToString() => $"({X1}, {Y1}, {X2}, {Y2})";
}
