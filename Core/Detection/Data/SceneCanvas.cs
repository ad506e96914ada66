namespace MLNet.Cnn.Detection;

/// <summary>
/// The float image [C, H, W] a scene is painted on. Pasting composites over what is there:
///   canvas_c ← (1 − a)·canvas_c + a·color_c,  a = opacity · patch alpha,
/// for the patch pixels that fall inside the canvas; the rest is clipped.
/// </summary>
internal sealed class SceneCanvas(int channels, int height, int width)
{
    public int Channels { get; } = channels;
    public int Height { get; } = height;
    public int Width { get; } = width;
    public float[] Pixels { get; } = new float[channels * height * width];

    public void Fill(ReadOnlySpan<float> color)
    {
        int plane = Height * Width;
        for (int c = 0; c < Channels; c++) Pixels.AsSpan(c * plane, plane).Fill(color[c]);
    }

    public void Paste(AlphaPatch patch, ReadOnlySpan<float> color, float opacity = 1f)
    {
        int plane = Height * Width;
        int rowStart = Math.Max(0, -patch.Top), rowEnd = Math.Min(patch.Height, Height - patch.Top);
        int colStart = Math.Max(0, -patch.Left), colEnd = Math.Min(patch.Width, Width - patch.Left);
        for (int i = rowStart; i < rowEnd; i++)
            for (int j = colStart; j < colEnd; j++)
            {
                float a = opacity * patch[i, j];
                if (a <= 0) continue;
                int k = (patch.Top + i) * Width + patch.Left + j;
                for (int c = 0; c < Channels; c++)
                    Pixels[c * plane + k] += a * (color[c] - Pixels[c * plane + k]);
            }
    }

    /// <summary>Adds N(0, std²) noise to every value, clamps to [0, 1] and rounds value·255 to the nearest byte (halves up).</summary>
    public void Finish(double noiseStd, Random random, Span<byte> target)
    {
        for (int k = 0; k < Pixels.Length; k += 2)
        {
            var (first, second) = noiseStd > 0 ? NormalPair(random) : (0, 0);
            target[k] = ToByte(Pixels[k] + noiseStd * first);
            if (k + 1 < Pixels.Length) target[k + 1] = ToByte(Pixels[k + 1] + noiseStd * second);
        }
    }

    private static byte ToByte(double value) => (byte)(Math.Clamp(value, 0, 1) * 255 + 0.5); // to the nearest byte

    /// <summary>
    /// Two independent N(0, 1) draws by Marsaglia's polar method: (u, v) uniform in the unit disc less its centre,
    /// s = u² + v², then u·√(−2 ln s / s) and v·√(−2 ln s / s); no trigonometry, so noise costs little per pixel.
    /// </summary>
    private static (double, double) NormalPair(Random random)
    {
        double u, v, s;
        do
        {
            u = 2 * random.NextDouble() - 1;
            v = 2 * random.NextDouble() - 1;
            s = u * u + v * v;
        } while (s >= 1 || s == 0);
        double factor = Math.Sqrt(-2 * Math.Log(s) / s);
        return (u * factor, v * factor);
    }
}
