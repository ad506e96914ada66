using Microsoft.ML.Data;
using MLNet.Cnn.Tests.Shared;

namespace MLNet.Cnn.Tool.Tests;

/// <summary>
/// A generated image folder of the "bright row" images the trainer tests learn from (<see cref="SyntheticImages"/>):
/// 32×32 RGB noise with one bright red row, whose position is the label — "top", "middle", "bottom" — so that a small
/// CNN learns it in a few epochs. One image in five is a JPEG, the rest PNG.
/// </summary>
internal static class RowImages
{
    public const int Side = 32;

    /// <summary>The labels and the row each one brightens.</summary>
    public static readonly (string Label, int Row)[] Classes = [("bottom", 26), ("middle", 15), ("top", 4)];

    public static void Write(string root, int perClass, int seed = 1)
    {
        var random = new Random(seed);
        foreach (var (label, row) in Classes)
        {
            var folder = Directory.CreateDirectory(Path.Combine(root, label));
            for (int i = 0; i < perClass; i++)
            {
                var pixels = SyntheticImages.Noise(random, 3 * Side * Side);   // planes R, G, B in [0, 0.5)
                SyntheticImages.BrightRow(pixels, Side, row);                  // + 1 on the red plane's row
                using var image = ToImage(pixels);
                image.Save(Path.Combine(folder.FullName, $"{label}-{i:D2}.{(i % 5 == 4 ? "jpg" : "png")}"));
            }
        }
    }

    /// <summary>Planar R, G, B floats (1 = full intensity) as an image, clamped to 0 … 255.</summary>
    private static MLImage ToImage(float[] planes)
    {
        int plane = Side * Side;
        var bgra = new byte[4 * plane];
        for (int p = 0; p < plane; p++)
        {
            bgra[4 * p] = Byte(planes[2 * plane + p]);
            bgra[4 * p + 1] = Byte(planes[plane + p]);
            bgra[4 * p + 2] = Byte(planes[p]);
            bgra[4 * p + 3] = 255;
        }
        return MLImage.CreateFromPixels(Side, Side, MLPixelFormat.Bgra32, bgra);
    }

    private static byte Byte(float value) => (byte)Math.Clamp(value * 255, 0, 255);
}
