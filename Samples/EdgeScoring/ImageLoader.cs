using SkiaSharp;

namespace MLNet.Cnn.Samples.EdgeScoring;

/// <summary>
/// Turns encoded image bytes into the picture the model takes, with the SkiaSharp calls of ML.NET's ImageAnalytics — the
/// steps the ML.NET trainer puts in front of the network (Trainers/ImageInput.cs) — so that an image scores here as it
/// looked in training:
/// <list type="bullet">
/// <item>decode, and copy to 32-bit BGRA unless it is 32-bit BGRA or RGBA already (as <c>MLImage</c> does on load);</item>
/// <item>only with --resize: stretch to the model's W×H with nearest-neighbour sampling, the aspect ratio not kept
/// (<c>ResizeImages</c> with <c>ResizingKind.Fill</c>, the trainer's choice); without it another size is refused;</item>
/// <item>for a 1-channel model, grayscale as <c>ConvertToGrayscale</c> does it: gray = 0.3 R + 0.59 G + 0.11 B through a
/// Skia color matrix, rounded to a byte. (The core's ColorAdjust uses torchvision's 0.2989 / 0.587 / 0.114, but those are
/// the augmentation's weights; the trainer's images were grayed by ML.NET.)</item>
/// </list>
/// A gray image needs nothing for a 3-channel model: decoded to BGRA, its three color channels are equal.
/// </summary>
internal static class ImageLoader
{
    private static readonly SKColorFilter Grayscale = SKColorFilter.CreateColorMatrix(
    [
        0.3f, 0.59f, 0.11f, 0, 0,
        0.3f, 0.59f, 0.11f, 0, 0,
        0.3f, 0.59f, 0.11f, 0, 0,
        0, 0, 0, 1, 0,
    ]);

    /// <summary>A BGRA or RGBA bitmap of the model's size (gray in R, G and B for a 1-channel model); the caller disposes it.</summary>
    public static SKBitmap Load(byte[] encoded, string name, ModelDescription model, bool resize)
    {
        var bitmap = Decode(encoded) ?? throw new ScoringError($"{name}: cannot be decoded as an image (expected png, jpg, bmp, gif or webp).");
        if (bitmap.ColorType is not (SKColorType.Bgra8888 or SKColorType.Rgba8888))
            bitmap = Replace(bitmap, bitmap.Copy(SKColorType.Bgra8888), name, "converted to 32-bit color");
        if (bitmap.Width != model.Width || bitmap.Height != model.Height)
        {
            if (!resize)
            {
                string size = $"{bitmap.Width}×{bitmap.Height}";
                bitmap.Dispose();
                throw new ScoringError($"{name} is {size}, the model expects {model.Width}×{model.Height}; pass --resize to stretch it.");
            }
            bitmap = Replace(bitmap, bitmap.Resize(new SKSizeI(model.Width, model.Height), new SKSamplingOptions(SKFilterMode.Nearest)), name, "resized");
        }
        if (model.Channels == 1) bitmap = Replace(bitmap, ToGray(bitmap), name, "converted to grayscale");
        return bitmap;
    }

    /// <summary>Null when no codec recognizes the bytes (SKBitmap.Decode(byte[]) would throw instead).</summary>
    private static SKBitmap? Decode(byte[] encoded)
    {
        if (encoded.Length == 0) return null;
        using var data = SKData.CreateCopy(encoded);
        using var codec = SKCodec.Create(data);
        return codec is null ? null : SKBitmap.Decode(codec);
    }

    private static SKBitmap ToGray(SKBitmap color)
    {
        var gray = new SKBitmap(color.Width, color.Height, isOpaque: true);
        using var paint = new SKPaint { ColorFilter = Grayscale };
        using var canvas = new SKCanvas(gray);
        canvas.DrawBitmap(color, 0, 0, paint);
        return gray;
    }

    /// <summary>The result of one step in place of its input (disposed); Skia gives null when a step fails.</summary>
    private static SKBitmap Replace(SKBitmap input, SKBitmap? output, string name, string step)
    {
        input.Dispose();
        return output ?? throw new ScoringError($"{name}: the image could not be {step}.");
    }
}
