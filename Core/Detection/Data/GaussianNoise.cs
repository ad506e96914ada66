namespace MLNet.Cnn.Detection;

/// <summary>
/// Approximately N(0, 1) draws for per-pixel noise: the Irwin–Hall sum of four independent uniforms on [0, 1), each 16
/// bits of one SplitMix64 output (Steele, Lea and Flood, 2014), standardized: (u₁ + u₂ + u₃ + u₄ − 2)·√3 has mean 0,
/// variance 1 and lies within ±2√3. No logarithm or random-object call per pixel, which would cost more than the rest of
/// a scene; the stream is seeded per scene, so the noise is deterministic.
/// </summary>
internal struct GaussianNoise(ulong seed)
{
    private const double Unit = 1.0 / 65536;
    private static readonly double Sqrt3 = Math.Sqrt(3);

    private ulong _state = seed;

    public double Next()
    {
        ulong bits = NextBits();
        double sum = (bits & 0xFFFF) + (bits >> 16 & 0xFFFF) + (bits >> 32 & 0xFFFF) + (bits >> 48);
        return (sum * Unit - 2) * Sqrt3;
    }

    // z = state += golden ratio; z = (z ⊕ z ≫ 30)·c₁; z = (z ⊕ z ≫ 27)·c₂; z ⊕ z ≫ 31
    private ulong NextBits()
    {
        ulong z = _state += 0x9E3779B97F4A7C15;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EB;
        return z ^ (z >> 31);
    }
}
