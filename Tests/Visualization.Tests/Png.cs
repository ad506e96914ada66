using SkiaSharp;

namespace MLNet.Cnn.Visualization.Tests;

/// <summary>What the tests ask of a PNG: that SkiaSharp decodes it, and its size; and a temporary file path to write one to.</summary>
internal static class Png
{
    public static (int Width, int Height) Size(byte[] png)
    {
        using var bitmap = SKBitmap.Decode(png);
        Assert.IsNotNull(bitmap, "the PNG does not decode");
        return (bitmap.Width, bitmap.Height);
    }

    public static (int Width, int Height) Size(string path)
    {
        Assert.IsTrue(File.Exists(path), $"{path} was not written");
        return Size(File.ReadAllBytes(path));
    }

    /// <summary>Runs <paramref name="write"/> with a fresh .png path and returns the written file's size; the file is deleted.</summary>
    public static (int Width, int Height) Written(Action<string> write)
    {
        var path = Path.Combine(Path.GetTempPath(), $"vis-{Guid.NewGuid():N}.png");
        try
        {
            write(path);
            return Size(path);
        }
        finally { File.Delete(path); }
    }
}
