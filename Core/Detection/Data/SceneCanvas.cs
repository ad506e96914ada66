using System.Buffers;

namespace MLNet.Cnn.Detection;

/// <summary>
/// The float image [C, H, W] a scene is painted on. Pasting composites over what is there:
///   canvas_c ← (1 − a)·canvas_c + a·color_c,  a = opacity · patch alpha,
/// for the patch pixels that fall inside the canvas; the rest is clipped. The buffer is rented (a color canvas is past
/// the large-object heap's threshold, and one per scene would keep the collector busy), so dispose the canvas.
/// </summary>
internal sealed class SceneCanvas(int channels, int height, int width) : IDisposable
{
    private readonly float[] _buffer = ArrayPool<float>.Shared.Rent(channels * height * width);

    public int Channels { get; } = channels;
    public int Height { get; } = height;
    public int Width { get; } = width;

    /// <summary>[C, H, W].</summary>
    public Span<float> Pixels => _buffer.AsSpan(0, Channels * Height * Width);

    public void Dispose() => ArrayPool<float>.Shared.Return(_buffer);

    public void Fill(ReadOnlySpan<float> color)
    {
        int plane = Height * Width;
        for (int c = 0; c < Channels; c++) Pixels.Slice(c * plane, plane).Fill(color[c]);
    }

    public void Paste(AlphaPatch patch, ReadOnlySpan<float> color, float opacity = 1f)
    {
        int plane = Height * Width;
        var pixels = Pixels;
        int rowStart = Math.Max(0, -patch.Top), rowEnd = Math.Min(patch.Height, Height - patch.Top);
        int colStart = Math.Max(0, -patch.Left), colEnd = Math.Min(patch.Width, Width - patch.Left);
        for (int i = rowStart; i < rowEnd; i++)
            for (int j = colStart; j < colEnd; j++)
            {
                float a = opacity * patch[i, j];
                if (a <= 0) continue;
                int k = (patch.Top + i) * Width + patch.Left + j;
                for (int c = 0; c < Channels; c++)
                    pixels[c * plane + k] += a * (color[c] - pixels[c * plane + k]);
            }
    }

    /// <summary>
    /// Adds std·n noise to every value (n from <see cref="GaussianNoise"/>), clamps to [0, 1] and rounds value·255 to the
    /// nearest byte (halves up).
    /// </summary>
    public void Finish(double noiseStd, GaussianNoise noise, Span<byte> target)
    {
        var pixels = Pixels;
        for (int k = 0; k < pixels.Length; k++)
        {
            double value = noiseStd > 0 ? pixels[k] + noiseStd * noise.Next() : pixels[k];
            target[k] = (byte)(Math.Clamp(value, 0, 1) * 255 + 0.5);
        }
    }
}
