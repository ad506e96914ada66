namespace MLNet.Cnn.Detection;

/// <summary>
/// Fits k anchor sizes to training boxes by k-means with the distance 1 − IoU of two (width, height) shapes placed
/// at the same corner (YOLOv2, Redmon and Farhadi 2017), so that large boxes do not dominate as in Euclidean k-means.
/// Seeds by k-means++ from <c>seed</c>, then alternates assignment (nearest center, ties to the lower index) and update
/// (the mean width and height of each cluster; an empty cluster keeps its center) until no assignment changes.
/// Deterministic for a given seed.
/// </summary>
public static class AnchorKMeans
{
    /// <summary>
    /// [k, 2] anchor sizes as (width, height), sorted by area, from xyxy <paramref name="boxes"/> [n, 4] whose widths and
    /// heights must be positive. Needs at least k distinct box shapes.
    /// </summary>
    public static float[] Fit(ReadOnlySpan<float> boxes, int k, int seed, int maxIterations = 300)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(k);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxIterations);
        var shapes = Shapes(boxes);
        var centers = SeedCenters(shapes, k, new Random(seed));
        var assignment = new int[shapes.Length];
        Array.Fill(assignment, -1);
        for (int iteration = 0; iteration < maxIterations; iteration++)
        {
            if (!Assign(shapes, centers, assignment)) break;
            Update(shapes, assignment, centers);
        }
        return centers.OrderBy(c => c.Width * c.Height).ThenBy(c => c.Width)
            .SelectMany(c => new[] { (float)c.Width, (float)c.Height }).ToArray();
    }

    /// <summary>The mean over <paramref name="boxes"/> of the best shape IoU with any of the [k, 2] <paramref name="sizes"/>.</summary>
    public static double MeanBestIou(ReadOnlySpan<float> boxes, ReadOnlySpan<float> sizes)
    {
        if (sizes.Length == 0 || sizes.Length % 2 != 0)
            throw new ArgumentException($"sizes must hold (width, height) pairs; its length is {sizes.Length}.", nameof(sizes));
        var shapes = Shapes(boxes);
        var centers = new (double Width, double Height)[sizes.Length / 2];
        for (int c = 0; c < centers.Length; c++) centers[c] = (sizes[2 * c], sizes[2 * c + 1]);
        return shapes.Average(s => centers.Max(c => ShapeIou(s, c)));
    }

    /// <summary>IoU of two shapes sharing a corner: min(w)·min(h) / (w₁h₁ + w₂h₂ − min(w)·min(h)).</summary>
    internal static double ShapeIou((double Width, double Height) a, (double Width, double Height) b)
    {
        double intersection = Math.Min(a.Width, b.Width) * Math.Min(a.Height, b.Height);
        return intersection / (a.Width * a.Height + b.Width * b.Height - intersection);
    }

    private static (double Width, double Height)[] Shapes(ReadOnlySpan<float> boxes)
    {
        int count = BoxCheck.Valid(boxes, nameof(boxes));
        if (count == 0) throw new ArgumentException("boxes is empty; k-means needs at least k boxes.", nameof(boxes));
        var shapes = new (double, double)[count];
        for (int i = 0; i < count; i++)
        {
            double width = boxes[4 * i + 2] - boxes[4 * i], height = boxes[4 * i + 3] - boxes[4 * i + 1];
            if (!(width > 0 && height > 0))
                throw new ArgumentException(
                    $"boxes: box {i} has width {width} and height {height}; anchor fitting needs positive sizes.", nameof(boxes));
            shapes[i] = (width, height);
        }
        return shapes;
    }

    // k-means++: the first center uniformly, each next one with probability proportional to its distance to the nearest
    // center chosen so far.
    private static (double Width, double Height)[] SeedCenters((double Width, double Height)[] shapes, int k, Random random)
    {
        var centers = new (double Width, double Height)[k];
        centers[0] = shapes[random.Next(shapes.Length)];
        var nearest = shapes.Select(s => 1 - ShapeIou(s, centers[0])).ToArray();
        for (int c = 1; c < k; c++)
        {
            double total = nearest.Sum();
            if (!(total > 0))
                throw new ArgumentException($"The boxes have only {c} distinct shapes; k = {k} anchors cannot be fitted.", "boxes");
            double remaining = random.NextDouble() * total;
            int pick = -1; // the first shape where the running sum passes the draw; the last weighted one if rounding runs past
            for (int i = 0; i < shapes.Length && remaining >= 0; i++)
                if (nearest[i] > 0)
                {
                    pick = i;
                    remaining -= nearest[i];
                }
            centers[c] = shapes[pick];
            for (int i = 0; i < shapes.Length; i++) nearest[i] = Math.Min(nearest[i], 1 - ShapeIou(shapes[i], centers[c]));
        }
        return centers;
    }

    /// <summary>Assigns each shape its nearest center; returns whether any assignment changed.</summary>
    private static bool Assign((double Width, double Height)[] shapes, (double Width, double Height)[] centers, int[] assignment)
    {
        bool changed = false;
        for (int i = 0; i < shapes.Length; i++)
        {
            int best = 0;
            for (int c = 1; c < centers.Length; c++)
                if (ShapeIou(shapes[i], centers[c]) > ShapeIou(shapes[i], centers[best])) best = c;
            changed |= assignment[i] != best;
            assignment[i] = best;
        }
        return changed;
    }

    private static void Update((double Width, double Height)[] shapes, int[] assignment, (double Width, double Height)[] centers)
    {
        var sums = new (double Width, double Height, int Count)[centers.Length];
        for (int i = 0; i < shapes.Length; i++)
        {
            ref var sum = ref sums[assignment[i]];
            sum = (sum.Width + shapes[i].Width, sum.Height + shapes[i].Height, sum.Count + 1);
        }
        for (int c = 0; c < centers.Length; c++)
            if (sums[c].Count > 0) centers[c] = (sums[c].Width / sums[c].Count, sums[c].Height / sums[c].Count);
    }
}
