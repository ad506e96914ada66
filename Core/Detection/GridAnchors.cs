namespace MLNet.Cnn.Detection;

/// <summary>
/// YOLO-style anchors: k anchors of given widths and heights in pixels centered on every cell of a
/// <c>gridHeight × gridWidth</c> grid over the image, cell (y, x) centered at ((x + ½)·strideW, (y + ½)·strideH).
/// </summary>
public static class GridAnchors
{
    /// <summary>
    /// [gridHeight·gridWidth·k, 4] xyxy anchors, listed by row, column, then anchor (the order of a head's
    /// [H, W, k] outputs). <paramref name="sizes"/> is [k, 2] as (width, height).
    /// </summary>
    public static float[] Generate(int gridHeight, int gridWidth, float strideHeight, float strideWidth, ReadOnlySpan<float> sizes)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(gridHeight);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(gridWidth);
        if (!(strideHeight > 0 && strideWidth > 0))
            throw new ArgumentException($"The strides must be positive; {strideHeight} × {strideWidth} was given.");
        if (sizes.Length == 0 || sizes.Length % 2 != 0)
            throw new ArgumentException(
                $"sizes must hold (width, height) pairs, at least one; its length is {sizes.Length}.", nameof(sizes));
        foreach (float s in sizes)
            if (!(s >= 0 && float.IsFinite(s)))
                throw new ArgumentException($"sizes must be finite and ≥ 0; {s} was given.", nameof(sizes));

        int k = sizes.Length / 2;
        var anchors = new float[gridHeight * gridWidth * k * 4];
        int i = 0;
        for (int y = 0; y < gridHeight; y++)
            for (int x = 0; x < gridWidth; x++)
            {
                float centerX = (x + 0.5f) * strideWidth, centerY = (y + 0.5f) * strideHeight;
                for (int a = 0; a < k; a++)
                {
                    float halfWidth = sizes[2 * a] / 2, halfHeight = sizes[2 * a + 1] / 2;
                    anchors[i++] = centerX - halfWidth;
                    anchors[i++] = centerY - halfHeight;
                    anchors[i++] = centerX + halfWidth;
                    anchors[i++] = centerY + halfHeight;
                }
            }
        return anchors;
    }
}
