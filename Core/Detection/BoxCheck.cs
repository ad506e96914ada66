using System.Numerics;

namespace MLNet.Cnn.Detection;

/// <summary>Argument checks for boxes stored as a flat [n, 4] span of (x1, y1, x2, y2).</summary>
internal static class BoxCheck
{
    /// <summary>The number of boxes in <paramref name="boxes"/>; throws when its length is not a multiple of 4.</summary>
    public static int Count<T>(ReadOnlySpan<T> boxes, string name)
    {
        if (boxes.Length % 4 != 0)
            throw new ArgumentException(
                $"{name} must hold 4 numbers (x1, y1, x2, y2) per box; its length {boxes.Length} is not a multiple of 4.", name);
        return boxes.Length / 4;
    }

    /// <summary>
    /// The number of boxes; throws unless every box has finite corners with x1 ≤ x2 and y1 ≤ y2 (zero width or height is allowed).
    /// </summary>
    public static int Valid<T>(ReadOnlySpan<T> boxes, string name) where T : IFloatingPointIeee754<T>
    {
        int count = Count(boxes, name);
        for (int i = 0; i < count; i++)
            Corners(boxes.Slice(4 * i, 4), name, $"box {i}");
        return count;
    }

    /// <summary>Throws unless the 4 corners (x1, y1, x2, y2) are finite with x1 ≤ x2 and y1 ≤ y2; <paramref name="label"/> names the box.</summary>
    public static void Corners<T>(ReadOnlySpan<T> box, string name, string label) where T : IFloatingPointIeee754<T>
    {
        T x1 = box[0], y1 = box[1], x2 = box[2], y2 = box[3];
        if (!T.IsFinite(x1) || !T.IsFinite(y1) || !T.IsFinite(x2) || !T.IsFinite(y2))
            throw new ArgumentException($"{name}: {label} ({x1}, {y1}, {x2}, {y2}) has a corner that is not finite.", name);
        if (x2 < x1 || y2 < y1)
            throw new ArgumentException(
                $"{name}: {label} ({x1}, {y1}, {x2}, {y2}) is malformed; expected x1 ≤ x2 and y1 ≤ y2 (xyxy order).", name);
    }

    /// <summary>Throws unless <paramref name="span"/> has exactly <paramref name="expected"/> elements.</summary>
    public static void Length<T>(ReadOnlySpan<T> span, int expected, string name, string what)
    {
        if (span.Length != expected)
            throw new ArgumentException($"{name} has length {span.Length}; expected {expected} ({what}).", name);
    }
}
