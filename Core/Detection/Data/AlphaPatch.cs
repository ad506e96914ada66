using MLNet.Cnn.Augment;

namespace MLNet.Cnn.Detection;

/// <summary>
/// A shape to paste: opacities in [0, 1], [Height, Width] row-major, whose pixel (i, j) lands on canvas pixel
/// (Top + i, Left + j). Items are their resized intensities; blobs and strokes are drawn into one.
/// </summary>
internal sealed class AlphaPatch(float[] alpha, int height, int width)
{
    public float[] Alpha { get; } = alpha;
    public int Height { get; } = height;
    public int Width { get; } = width;
    public int Top { get; set; }
    public int Left { get; set; }

    public float this[int row, int column] => Alpha[row * Width + column];

    /// <summary>
    /// The window [top, top + height) × [left, left + width) of a gray image [sourceHeight, sourceWidth] resized to
    /// outHeight × outWidth with the project's bilinear resampler (F.interpolate, align_corners=False, no antialias).
    /// </summary>
    public static AlphaPatch Resized(ReadOnlySpan<float> source, int sourceHeight, int sourceWidth,
        int top, int left, int height, int width, int outHeight, int outWidth)
    {
        var alpha = new float[outHeight * outWidth];
        var map = new AffineSource(AffineMap.Resize(left, top, width, height, outWidth, outHeight).Inverse());
        Resampler.Bilinear(source, 1, sourceHeight, sourceWidth, alpha, map, outHeight, outWidth,
            new Resampler.Window(top, left, height, width), Border.Clamp, 0f);
        for (int i = 0; i < alpha.Length; i++) alpha[i] = Math.Clamp(alpha[i], 0f, 1f);
        return new AlphaPatch(alpha, outHeight, outWidth);
    }
}
