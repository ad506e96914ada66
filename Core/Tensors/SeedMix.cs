namespace MLNet.Cnn.Tensors;

/// <summary>
/// A seed for <see cref="Random"/> from several integers (the run's seed, the epoch, a sample index; a layer's seed and
/// its count of draws), so that each combination starts its own stream: SplitMix64's finalizer (Steele, Lea and Flood,
/// 2014) over the integers one after the other. Not <see cref="HashCode"/>, which is seeded randomly per process. A
/// stream derived from counters needs no saved generator state: a checkpoint saves the counters.
/// </summary>
internal static class SeedMix
{
    public static int Of(int seed, int epoch, int index)
    {
        ulong z = Finalize((ulong)(uint)seed);
        z = Finalize(z ^ (uint)epoch);
        z = Finalize(z ^ (uint)index);
        // 31 bits: Random(int) treats a negative seed as its absolute value, which would pair seeds up.
        return (int)(z >> 33);
    }

    // z += golden ratio; z = (z ⊕ z ≫ 30)·c₁; z = (z ⊕ z ≫ 27)·c₂; z ⊕ z ≫ 31
    private static ulong Finalize(ulong z)
    {
        z += 0x9E3779B97F4A7C15;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EB;
        return z ^ (z >> 31);
    }
}
