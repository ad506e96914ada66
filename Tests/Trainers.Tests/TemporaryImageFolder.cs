using Microsoft.ML.Data;

namespace MLNet.Cnn.Trainers.Tests;

/// <summary>
/// An image folder for the LoadFromImageFolder tests, in a fresh temporary folder that Dispose deletes: small generated
/// images (PNG or JPEG by extension, as MLImage.Save writes them), text files and raw bytes at paths relative to it.
/// </summary>
internal sealed class TemporaryImageFolder : IDisposable
{
    /// <summary>The colors of the labels "red", "green" and "blue", for images whose class a network can tell.</summary>
    public static readonly (string Label, (byte R, byte G, byte B) Color)[] Colors =
        [("red", (220, 40, 40)), ("green", (40, 200, 60)), ("blue", (40, 60, 220))];

    public string Root { get; } = Directory.CreateTempSubdirectory("cnn-image-folder-").FullName;

    public string PathOf(string relativePath) => Path.Combine(Root, relativePath);

    /// <summary>A side×side image of <paramref name="color"/> with ±30 of noise per pixel drawn from <paramref name="seed"/>.</summary>
    public string Image(string relativePath, (byte R, byte G, byte B) color, int side = 8, int seed = 0)
    {
        var random = new Random(seed);
        var bgra = new byte[side * side * 4];
        for (int p = 0; p < side * side; p++)
        {
            bgra[4 * p] = Noisy(color.B, random);
            bgra[4 * p + 1] = Noisy(color.G, random);
            bgra[4 * p + 2] = Noisy(color.R, random);
            bgra[4 * p + 3] = 255;
        }
        string path = Create(relativePath);
        using var image = MLImage.CreateFromPixels(side, side, MLPixelFormat.Bgra32, bgra);
        image.Save(path);
        return path;
    }

    /// <summary><paramref name="count"/> PNG images named "{label}/{label}-{i}.png" for each label, of that label's color or gray.</summary>
    public void Labels(params (string Label, int Count)[] labels)
    {
        foreach (var (label, count) in labels)
            for (int i = 0; i < count; i++) Image($"{label}/{label}-{i:D2}.png", ColorOf(label), seed: i);
    }

    public static (byte R, byte G, byte B) ColorOf(string label) =>
        Colors.Where(c => c.Label == label).Select(c => c.Color).DefaultIfEmpty(((byte)128, (byte)128, (byte)128)).First();

    public string Text(string relativePath, string content = "not an image")
    {
        string path = Create(relativePath);
        File.WriteAllText(path, content);
        return path;
    }

    public string Bytes(string relativePath, byte[] content)
    {
        string path = Create(relativePath);
        File.WriteAllBytes(path, content);
        return path;
    }

    public void Dispose() => Directory.Delete(Root, recursive: true);

    private static byte Noisy(byte value, Random random) => (byte)Math.Clamp(value + random.Next(-30, 31), 0, 255);

    private string Create(string relativePath)
    {
        string path = PathOf(relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        return path;
    }
}
