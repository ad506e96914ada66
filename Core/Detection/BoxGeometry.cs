using System.Numerics;

namespace MLNet.Cnn.Detection;

/// <summary>Area and clipping of xyxy boxes (flat [n, 4] spans, absolute pixels, no "+1").</summary>
public static class BoxGeometry
{
    /// <summary>areas[i] = (x2 − x1)·(y2 − y1); zero for a box of zero width or height.</summary>
    public static void Area<T>(ReadOnlySpan<T> boxes, Span<T> areas) where T : IFloatingPointIeee754<T>
    {
        int count = BoxCheck.Valid(boxes, nameof(boxes));
        BoxCheck.Length<T>(areas, count, nameof(areas), "one per box");
        for (int i = 0; i < count; i++) areas[i] = Area(boxes, i);
    }

    /// <summary>
    /// Clamps every corner in place to [0, width] × [0, height], like torchvision.ops.clip_boxes_to_image: a box wholly
    /// outside the image becomes a zero-area box on its border (dropping such boxes is the caller's decision).
    /// </summary>
    public static void Clip<T>(Span<T> boxes, T width, T height) where T : IFloatingPointIeee754<T>
    {
        int count = BoxCheck.Valid<T>(boxes, nameof(boxes));
        if (!(width >= T.Zero && height >= T.Zero))
            throw new ArgumentException($"The image size must not be negative; width {width} and height {height} were given.");
        for (int i = 0; i < count; i++)
        {
            boxes[4 * i] = T.Clamp(boxes[4 * i], T.Zero, width);
            boxes[4 * i + 1] = T.Clamp(boxes[4 * i + 1], T.Zero, height);
            boxes[4 * i + 2] = T.Clamp(boxes[4 * i + 2], T.Zero, width);
            boxes[4 * i + 3] = T.Clamp(boxes[4 * i + 3], T.Zero, height);
        }
    }

    internal static T Area<T>(ReadOnlySpan<T> boxes, int i) where T : IFloatingPointIeee754<T> =>
        (boxes[4 * i + 2] - boxes[4 * i]) * (boxes[4 * i + 3] - boxes[4 * i + 1]);
}
