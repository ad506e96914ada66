namespace MLNet.Cnn.Detection;

/// <summary>
/// The detection target of one image as a fixed-size float row, as a batch's target tensor [n, maxObjects, 5] holds it
/// (<see cref="Data.SampleLayout.Detection"/>): maxObjects rows (classId, x0, y0, x1, y1), boxes in absolute pixels of
/// the network's input, the real objects first, then padding rows (−1, 0, 0, 0, 0). The one place that encodes and
/// decodes these rows: sources write them, the augmentation moves them, <see cref="YoloLoss"/> and the evaluation read them.
/// </summary>
public static class DetectionTargets
{
    /// <summary>Values per object: classId, x0, y0, x1, y1.</summary>
    public const int RowLength = 5;

    /// <summary>The class id of a padding row.</summary>
    public const float Padding = -1;

    /// <summary>
    /// Writes <paramref name="boxes"/> into <paramref name="row"/> [maxObjects · 5] and pads the rest. Throws, naming
    /// <paramref name="image"/>, when there are more boxes than <paramref name="maxObjects"/>, a class id is negative or a box
    /// is not finite with x0 ≤ x1 and y0 ≤ y1.
    /// </summary>
    public static void Write(IReadOnlyList<GroundTruthBox> boxes, Span<float> row, int maxObjects, string image = "the image")
    {
        ArgumentNullException.ThrowIfNull(boxes);
        if (maxObjects <= 0) throw new ArgumentException($"maxObjects must be positive; {maxObjects} was given.", nameof(maxObjects));
        if (row.Length != maxObjects * RowLength)
            throw new ArgumentException($"A target row of {maxObjects} objects holds {maxObjects * RowLength} values; {row.Length} were given.", nameof(row));
        if (boxes.Count > maxObjects)
            throw new ArgumentException(
                $"{image} has {boxes.Count} objects; the layout holds at most {maxObjects} per image (raise maxObjects).", nameof(boxes));
        for (int b = 0; b < boxes.Count; b++)
        {
            var box = boxes[b];
            if (box.ClassId < 0)
                throw new ArgumentException($"Object {b} of {image} has class {box.ClassId}; class ids are ≥ 0.", nameof(boxes));
            BoxCheck.Corners<float>([box.X0, box.Y0, box.X1, box.Y1], nameof(boxes), $"object {b} of {image}");
            var values = row.Slice(b * RowLength, RowLength);
            (values[0], values[1], values[2], values[3], values[4]) = (box.ClassId, box.X0, box.Y0, box.X1, box.Y1);
        }
        var padding = row[(boxes.Count * RowLength)..];
        padding.Clear();
        for (int k = 0; k < padding.Length; k += RowLength) padding[k] = Padding;
    }

    /// <summary>The objects of a target row [maxObjects · 5]: every row whose class id is not negative, in order.</summary>
    public static GroundTruthBox[] Read(ReadOnlySpan<float> row)
    {
        if (row.Length % RowLength != 0)
            throw new ArgumentException($"A target row holds groups of {RowLength} values (classId, x0, y0, x1, y1); its length is {row.Length}.", nameof(row));
        int count = 0;
        for (int k = 0; k < row.Length; k += RowLength)
            if (row[k] >= 0) count++;
        var boxes = new GroundTruthBox[count];
        for (int k = 0, b = 0; k < row.Length; k += RowLength)
            if (row[k] >= 0) boxes[b++] = new GroundTruthBox(row[k + 1], row[k + 2], row[k + 3], row[k + 4], (int)row[k]);
        return boxes;
    }
}
