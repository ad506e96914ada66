namespace MLNet.Cnn.Tests.Shared;

/// <summary>The pieces of the synthetic "bright row" images several test projects train on (linked into each).</summary>
internal static class SyntheticImages
{
    /// <summary>Uniform noise in [0, 0.5) for <paramref name="length"/> pixels.</summary>
    public static float[] Noise(Random random, int length)
    {
        var pixels = new float[length];
        for (int p = 0; p < length; p++) pixels[p] = (float)random.NextDouble() * 0.5f;
        return pixels;
    }

    /// <summary>Adds 1 to every pixel of row <paramref name="row"/> of the first channel (planes of side × side).</summary>
    public static void BrightRow(float[] pixels, int side, int row)
    {
        for (int c = 0; c < side; c++) pixels[row * side + c] += 1f;
    }
}
