namespace MLNet.Cnn.Benchmarks.Data;

/// <summary>
/// Photo-like color images for the data benchmarks, drawn from their index alone: a smooth two-color gradient whose
/// colors depend on the class, a bright disc whose place depends on the index, and pixel noise (so that JPEG has real
/// work, unlike flat synthetic images). BGRA bytes, as MLImage takes them.
/// </summary>
internal static class SyntheticPhotos
{
    public const int Classes = 10;

    public static int ClassOf(int index) => index % Classes;

    /// <summary>Image <paramref name="index"/> of <paramref name="side"/>×<paramref name="side"/> into <paramref name="bgra"/> [side·side·4].</summary>
    public static void Draw(int index, int side, Span<byte> bgra)
    {
        int k = ClassOf(index);
        uint state = (uint)index * 2654435761u + 1;
        int cx = (int)(state % (uint)side), cy = (int)(state / 7 % (uint)side), radius = side / 5;
        for (int y = 0; y < side; y++)
            for (int x = 0; x < side; x++)
            {
                state = state * 1664525u + 1013904223u;
                int noise = (int)(state >> 27) - 16;
                bool disc = (x - cx) * (x - cx) + (y - cy) * (y - cy) < radius * radius;
                int p = 4 * (y * side + x);
                for (int c = 0; c < 3; c++)
                {
                    int a = (k * 37 + c * 91) % 256, b = (k * 71 + c * 53 + 128) % 256;
                    int value = disc ? 235 : a + (b - a) * (x + y) / (2 * side);
                    bgra[p + c] = (byte)Math.Clamp(value + noise, 0, 255);
                }
                bgra[p + 3] = 255;
            }
    }
}
