namespace MLNet.Cnn.Augment;

/// <summary>
/// Moves a sample's boxes and keypoints through the forward map of a geometric op (the mask is resampled with the
/// pixels instead). The rules, shared by every geometric op:
/// <list type="bullet">
/// <item>keypoints are mapped and left where they land, also outside the new image (the caller decides visibility);</item>
/// <item>a box becomes the min/max of its four mapped corners, clamped to the new image [0, W] × [0, H]; a box that
/// leaves the image is kept as a degenerate box on the border (x1 = x2 or y1 = y2), never removed, so box i still
/// belongs to label i (torchvision v2's ClampBoundingBoxes; dropping them is SanitizeBoundingBoxes' job, the caller's).</item>
/// </list>
/// </summary>
internal static class TargetMapping
{
    public static void Apply<TMap>(AugmentationSample sample, in TMap forward, int width, int height) where TMap : IPointMap
    {
        if (sample.Keypoints is { } points)
            for (int k = 0; k + 1 < points.Length; k += 2)
            {
                var (x, y) = forward.Map(points[k], points[k + 1]);
                (points[k], points[k + 1]) = ((float)x, (float)y);
            }
        if (sample.Boxes is { } boxes)
            for (int k = 0; k + 3 < boxes.Length; k += 4)
            {
                double x1 = double.PositiveInfinity, y1 = double.PositiveInfinity;
                double x2 = double.NegativeInfinity, y2 = double.NegativeInfinity;
                foreach (var (cx, cy) in (ReadOnlySpan<(float, float)>)[(boxes[k], boxes[k + 1]), (boxes[k + 2], boxes[k + 1]),
                             (boxes[k], boxes[k + 3]), (boxes[k + 2], boxes[k + 3])])
                {
                    var (x, y) = forward.Map(cx, cy);
                    (x1, x2, y1, y2) = (Math.Min(x1, x), Math.Max(x2, x), Math.Min(y1, y), Math.Max(y2, y));
                }
                boxes[k] = (float)Math.Clamp(x1, 0, width);
                boxes[k + 1] = (float)Math.Clamp(y1, 0, height);
                boxes[k + 2] = (float)Math.Clamp(x2, 0, width);
                boxes[k + 3] = (float)Math.Clamp(y2, 0, height);
            }
    }
}
