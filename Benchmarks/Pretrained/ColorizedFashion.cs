using MLNet.Cnn.Augment;
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

    // rgb[c, y, x] = v·fg[c] + (1 − v)·bg[c], v the gray item resized bilinearly (the augmentation's resampler, edges clamped)
    private static void Paint(ReadOnlySpan<float> gray, int s, int side, Random random, Span<float> rgb)
    {
        Span<float> fg = [random.NextSingle(), random.NextSingle(), random.NextSingle()];
        Span<float> bg = [random.NextSingle(), random.NextSingle(), random.NextSingle()];
        var value = new float[side * side];
        var toSource = new AffineSource(AffineMap.Resize(0, 0, s, s, side, side).Inverse());
        Resampler.Bilinear(gray, 1, s, s, value, toSource, side, side, new Resampler.Window(0, 0, s, s), Border.Clamp, 0);
        for (int k = 0; k < value.Length; k++)
        {
            float v = Math.Clamp(value[k], 0, 1);
            for (int c = 0; c < 3; c++) rgb[c * value.Length + k] = v * fg[c] + (1 - v) * bg[c];
        }
    }
}
