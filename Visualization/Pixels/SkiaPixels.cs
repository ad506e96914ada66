using System.Runtime.InteropServices;
using SkiaSharp;

namespace MLNet.Cnn.Visualization;

/// <summary>Between <see cref="RgbImage"/> and SkiaSharp: PNG encoding, decoding image files, and bitmaps to draw text on.</summary>
internal static class SkiaPixels
{
    /// <summary>An opaque RGBA bitmap holding <paramref name="image"/>'s pixels.</summary>
    public static SKBitmap ToBitmap(RgbImage image)
    {
        var bitmap = new SKBitmap(new SKImageInfo(image.Width, image.Height, SKColorType.Rgba8888, SKAlphaType.Opaque));
        var rgba = new byte[4 * image.Width * image.Height];
        var rgb = image.Bytes;
        for (int p = 0; p < image.Width * image.Height; p++)
        {
            rgb.Slice(3 * p, 3).CopyTo(rgba.AsSpan(4 * p));
            rgba[4 * p + 3] = 255;
        }
        Marshal.Copy(rgba, 0, bitmap.GetPixels(), rgba.Length); // rows of 4·width bytes, unpadded for RGBA8888
        return bitmap;
    }

    /// <summary>The pixels of an opaque RGBA bitmap (as <see cref="ToBitmap"/> makes) written back into <paramref name="image"/>.</summary>
    public static void CopyBack(SKBitmap bitmap, RgbImage image)
    {
        var rgba = new byte[4 * image.Width * image.Height];
        Marshal.Copy(bitmap.GetPixels(), rgba, 0, rgba.Length);
        for (int y = 0; y < image.Height; y++)
            for (int x = 0; x < image.Width; x++)
            {
                int p = 4 * (y * image.Width + x);
                image[x, y] = new Rgb(rgba[p], rgba[p + 1], rgba[p + 2]);
            }
    }

    public static byte[] EncodePng(RgbImage image)
    {
        using var bitmap = ToBitmap(image);
        using var data = bitmap.Encode(SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }

    /// <summary>An image file decoded and drawn over white (so transparent pixels come out white).</summary>
    public static RgbImage Decode(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path)) throw new FileNotFoundException($"No image file at {path}.", path);
        using var decoded = SKBitmap.Decode(path)
            ?? throw new InvalidDataException($"{path} is not an image SkiaSharp decodes (PNG, JPEG, BMP, GIF, WebP).");
        var image = new RgbImage(decoded.Width, decoded.Height, Rgb.White);
        using var bitmap = ToBitmap(image);
        using (var canvas = new SKCanvas(bitmap))
            canvas.DrawBitmap(decoded, 0, 0);
        CopyBack(bitmap, image);
        return image;
    }
}
