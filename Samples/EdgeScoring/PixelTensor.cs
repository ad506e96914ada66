using SkiaSharp;

namespace MLNet.Cnn.Samples.EdgeScoring;

/// <summary>
/// A loaded image as the model's input, written into one slot [C, H, W] of a batch: planar, each byte scaled to [0, 1]
/// (× 1/255, as ML.NET's ExtractPixels with the trainer's scale), channels R, G, B (R alone for a 1-channel model,
/// where <see cref="ImageLoader"/> has put the gray), then (x − mean[c]) / std[c] unless the graph does that itself.
/// </summary>
internal static class PixelTensor
{
    private const float Scale = 1f / 255;

    public static void Write(SKBitmap image, ModelDescription model, Span<float> destination)
    {
        // Byte offsets of R, G, B within a pixel.
        ReadOnlySpan<int> rgb = image.ColorType == SKColorType.Rgba8888 ? [0, 1, 2] : [2, 1, 0];
        ReadOnlySpan<byte> pixels = image.GetPixelSpan();
        int plane = model.Height * model.Width;
        for (int c = 0; c < model.Channels; c++)
        {
            int offset = rgb[c];
            float mean = model.NormalizationInGraph ? 0 : model.Mean[c], std = model.NormalizationInGraph ? 1 : model.Std[c];
            var channel = destination.Slice(c * plane, plane);
            for (int y = 0; y < model.Height; y++)
            {
                var row = pixels.Slice(y * image.RowBytes, model.Width * 4);
                for (int x = 0; x < model.Width; x++)
                    channel[y * model.Width + x] = (row[4 * x + offset] * Scale - mean) / std;
            }
        }
    }
}
