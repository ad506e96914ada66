using System.Runtime.Intrinsics;

namespace MLNet.Cnn.Kernels;

/// <summary>
/// Splits a row into its two stride-2 column phases, the layout of strided convolution (<see cref="PhaseImage"/>) and
/// pooling (<see cref="PoolRowPhases"/>): input column i, at padded column i + left, goes to phase (i + left) mod 2 at
/// position (i + left) / 2. Sixteen columns at a time with two shuffles, then eight with one.
/// </summary>
internal static unsafe class StrideTwoSplit
{
    /// <summary>phases[(i + left) mod 2][(i + left) / 2] = row[i] for i &lt; width; a null phase is skipped.</summary>
    public static void Row(float* row, int width, int left, float* phase0, float* phase1)
    {
        float* even = left % 2 == 0 ? phase0 : phase1, odd = left % 2 == 0 ? phase1 : phase0;   // where columns 2j and 2j + 1 go
        int evenStart = left / 2, oddStart = (left + 1) / 2;
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var order = Vector256.Create(0, 2, 4, 6, 1, 3, 5, 7);   // even elements into the lower 128 bits, odd into the upper
            for (; i + 16 <= width; i += 16)
            {
                var low = Vector256.Shuffle(Vector256.Load(row + i), order);
                var high = Vector256.Shuffle(Vector256.Load(row + i + 8), order);
                if (even != null) Vector256.Create(low.GetLower(), high.GetLower()).Store(even + evenStart + i / 2);
                if (odd != null) Vector256.Create(low.GetUpper(), high.GetUpper()).Store(odd + oddStart + i / 2);
            }
            // Eight more columns (a 28-wide row: 16 + 8 + 4) with one shuffle.
            if (i + 8 <= width)
            {
                var split = Vector256.Shuffle(Vector256.Load(row + i), order);
                if (even != null) split.GetLower().Store(even + evenStart + i / 2);
                if (odd != null) split.GetUpper().Store(odd + oddStart + i / 2);
                i += 8;
            }
        }
        for (; i < width; i++)
        {
            float* phase = i % 2 == 0 ? even : odd;
            if (phase != null) phase[(i % 2 == 0 ? evenStart : oddStart) + i / 2] = row[i];
        }
    }
}
