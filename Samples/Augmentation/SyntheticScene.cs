namespace MLNet.Cnn.Samples.Augmentation;

/// <summary>A small RGB picture [3, size, size] in [0, 1] (sky, sun, grass, a red house) to show color and geometry ops on RGB.</summary>
internal static class SyntheticScene
{
    public static float[] Draw(int size, int variant = 0)
    {
        var pixels = new float[3 * size * size];
        var random = new Random(variant);
        float sunX = size * (0.65f + 0.2f * (float)random.NextDouble()), sunY = size * 0.25f, sunRadius = size * 0.12f;
        for (int y = 0; y < size; y++)
            for (int x = 0; x < size; x++)
            {
                float v = y / (float)size;
                (float r, float g, float b) = v < 0.6f ? (0.45f + 0.3f * v, 0.65f + 0.2f * v, 0.95f) : (0.25f, 0.6f - 0.2f * v, 0.2f);
                if ((x - sunX) * (x - sunX) + (y - sunY) * (y - sunY) < sunRadius * sunRadius) (r, g, b) = (1f, 0.85f, 0.2f);
                if (x > size * 0.15f && x < size * 0.45f && y > size * 0.45f && y < size * 0.75f) (r, g, b) = (0.75f, 0.15f, 0.1f);
                int p = y * size + x;
                pixels[p] = r;
                pixels[size * size + p] = g;
                pixels[2 * size * size + p] = b;
            }
        return pixels;
    }
}
