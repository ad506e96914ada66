namespace MLNet.Cnn.Detection;

/// <summary>
/// Anchors for a pyramid of feature maps, with the numbers and order of torchvision's
/// <c>torchvision.models.detection.anchor_utils.AnchorGenerator</c>. Level l has sizes s and aspect ratios r (r = h/w);
/// its base anchors, centered on (0, 0), are w = s/√r, h = s·√r rounded half to even after halving, for each ratio
/// (outer) and size (inner): (−w/2, −h/2, w/2, h/2). A feature map of H × W cells on an image of Hi × Wi pixels has the
/// integer strides (Hi div H, Wi div W); the anchors of cell (y, x) are the base anchors shifted by
/// (x·strideW, y·strideH) — centered on the cell's top-left corner, as torchvision's. Anchors are listed level by level,
/// then by row, column, and base anchor.
/// </summary>
public sealed class AnchorGenerator
{
    private readonly float[][] _baseAnchors;

    /// <param name="sizes">Per level, the anchor sizes (√area in pixels), e.g. [[32], [64], [128]].</param>
    /// <param name="aspectRatios">Per level, the aspect ratios height/width, e.g. [[0.5, 1, 2], ...].</param>
    public AnchorGenerator(IReadOnlyList<float[]> sizes, IReadOnlyList<float[]> aspectRatios)
    {
        ArgumentNullException.ThrowIfNull(sizes);
        ArgumentNullException.ThrowIfNull(aspectRatios);
        if (sizes.Count != aspectRatios.Count)
            throw new ArgumentException(
                $"aspectRatios has {aspectRatios.Count} levels; expected one per level of sizes, {sizes.Count}.", nameof(aspectRatios));
        _baseAnchors = new float[sizes.Count][];
        for (int level = 0; level < sizes.Count; level++)
            _baseAnchors[level] = BaseAnchors(sizes[level], aspectRatios[level], level);
    }

    /// <summary>The number of pyramid levels.</summary>
    public int Levels => _baseAnchors.Length;

    /// <summary>Anchors per feature-map cell at <paramref name="level"/>: sizes × aspect ratios.</summary>
    public int AnchorsPerLocation(int level) => _baseAnchors[level].Length / 4;

    /// <summary>The base anchors of <paramref name="level"/>, [AnchorsPerLocation, 4] xyxy centered on (0, 0).</summary>
    public float[] BaseAnchors(int level) => (float[])_baseAnchors[level].Clone();

    /// <summary>
    /// All anchors, [Σ H·W·AnchorsPerLocation, 4] xyxy, for an image of <paramref name="imageHeight"/> ×
    /// <paramref name="imageWidth"/> pixels and one feature map size per level.
    /// </summary>
    public float[] Generate(int imageHeight, int imageWidth, IReadOnlyList<(int Height, int Width)> featureSizes)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(imageHeight);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(imageWidth);
        ArgumentNullException.ThrowIfNull(featureSizes);
        if (featureSizes.Count != Levels)
            throw new ArgumentException(
                $"featureSizes has {featureSizes.Count} levels; expected one per level of the generator, {Levels}.", nameof(featureSizes));
        var anchors = new List<float>();
        for (int level = 0; level < Levels; level++)
        {
            var (height, width) = featureSizes[level];
            if (height <= 0 || width <= 0 || height > imageHeight || width > imageWidth)
                throw new ArgumentException(
                    $"featureSizes[{level}] is {height}×{width}; expected a positive size no larger than the image, " +
                    $"{imageHeight}×{imageWidth}.", nameof(featureSizes));
            AddGrid(_baseAnchors[level], height, width, imageHeight / height, imageWidth / width, anchors);
        }
        return anchors.ToArray();
    }

    // The float32 arithmetic of torchvision's generate_anchors, so that the rounding agrees.
    private static float[] BaseAnchors(float[] sizes, float[] aspectRatios, int level)
    {
        ArgumentNullException.ThrowIfNull(sizes);
        ArgumentNullException.ThrowIfNull(aspectRatios);
        if (sizes.Length == 0 || aspectRatios.Length == 0 || sizes.Any(s => !(s > 0)) || aspectRatios.Any(r => !(r > 0)))
            throw new ArgumentException(
                $"Level {level} needs at least one size and one aspect ratio, all positive; sizes [{string.Join(", ", sizes)}] " +
                $"and aspect ratios [{string.Join(", ", aspectRatios)}] were given.");
        var result = new float[4 * sizes.Length * aspectRatios.Length];
        int i = 0;
        foreach (float ratio in aspectRatios)
        {
            float heightRatio = MathF.Sqrt(ratio), widthRatio = 1f / heightRatio;
            foreach (float size in sizes)
            {
                float halfWidth = MathF.Round(widthRatio * size / 2f), halfHeight = MathF.Round(heightRatio * size / 2f);
                result[i++] = -halfWidth;
                result[i++] = -halfHeight;
                result[i++] = halfWidth;
                result[i++] = halfHeight;
            }
        }
        return result;
    }

    private static void AddGrid(float[] baseAnchors, int height, int width, int strideHeight, int strideWidth, List<float> anchors)
    {
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
            {
                float shiftX = x * strideWidth, shiftY = y * strideHeight;
                for (int a = 0; a < baseAnchors.Length; a += 4)
                {
                    anchors.Add(baseAnchors[a] + shiftX);
                    anchors.Add(baseAnchors[a + 1] + shiftY);
                    anchors.Add(baseAnchors[a + 2] + shiftX);
                    anchors.Add(baseAnchors[a + 3] + shiftY);
                }
            }
    }
}
