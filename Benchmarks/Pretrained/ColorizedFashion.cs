using MLNet.Cnn.Data;

namespace MLNet.Cnn.Benchmarks.Pretrained;

/// <summary>
/// A color task from data every machine here has: Fashion-MNIST items painted with a random foreground and background color
/// each (seeded per image, independent of the class, so color tells nothing) and upscaled bilinearly from 28×28 to the
/// backbone's size. Pixels in [0, 1], planes R, G, B.
/// </summary>
internal static class ColorizedFashion
{
    /// <summary>The first <paramref name="perClass"/> images of each class of <paramref name="source"/>, colorized and upscaled to <paramref name="side"/>.</summary>
    public static ImageDataset Take(ImageDataset source, int perClass, int side, int seed)
    {
        var chosen = new List<int>();
        var taken = new int[source.ClassCount];
        for (int i = 0; i < source.Count && chosen.Count < perClass * source.ClassCount; i++)
            if (taken[source.Labels[i]] < perClass)
            {
                taken[source.Labels[i]]++;
                chosen.Add(i);
            }
        int size = 3 * side * side;
        var pixels = new float[(long)chosen.Count * size];
        Parallel.For(0, chosen.Count, k => Paint(source.Pixels(chosen[k]), source.Height, side, new Random(seed * 7919 + k), pixels.AsSpan(k * size, size)));
        return new ImageDataset(pixels, chosen.Select(i => source.Labels[i]).ToArray(), 3, side, side, source.ClassNames);
    }

    // rgb[c, y, x] = v·fg[c] + (1 − v)·bg[c], v the gray item sampled bilinearly at ((x + ½)·s/side − ½, …)
    private static void Paint(ReadOnlySpan<float> gray, int s, int side, Random random, Span<float> rgb)
    {
        Span<float> fg = [random.NextSingle(), random.NextSingle(), random.NextSingle()];
        Span<float> bg = [random.NextSingle(), random.NextSingle(), random.NextSingle()];
        float ratio = (float)s / side;
        for (int y = 0; y < side; y++)
            for (int x = 0; x < side; x++)
            {
                float sy = Math.Clamp((y + 0.5f) * ratio - 0.5f, 0, s - 1), sx = Math.Clamp((x + 0.5f) * ratio - 0.5f, 0, s - 1);
                int y0 = (int)sy, x0 = (int)sx, y1 = Math.Min(y0 + 1, s - 1), x1 = Math.Min(x0 + 1, s - 1);
                float wy = sy - y0, wx = sx - x0;
                float v = (1 - wy) * ((1 - wx) * gray[y0 * s + x0] + wx * gray[y0 * s + x1]) + wy * ((1 - wx) * gray[y1 * s + x0] + wx * gray[y1 * s + x1]);
                v = Math.Clamp(v, 0, 1);
                for (int c = 0; c < 3; c++) rgb[(c * side + y) * side + x] = v * fg[c] + (1 - v) * bg[c];
            }
    }
}
