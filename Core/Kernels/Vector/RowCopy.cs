using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace MLNet.Cnn.Kernels;

/// <summary>
/// Copies of rows of floats: the rows of small feature maps (2–56 floats) are copied with vector moves inline, where a
/// memmove call (what <see cref="Unsafe.CopyBlockUnaligned(void*, void*, uint)"/> becomes for a length known only at run
/// time) costs more than the copy itself; long rows go to memmove. Source and destination must not overlap.
/// </summary>
internal static unsafe class RowCopy
{
    private const int LongRow = 128;

    /// <summary>Floats in the widest accelerated vector: 16, 8, 4, or 1 (none).</summary>
    private static readonly int Widest =
        Vector512.IsHardwareAccelerated ? 16 : Vector256.IsHardwareAccelerated ? 8 : Vector128.IsHardwareAccelerated ? 4 : 1;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Copy(float* dst, float* src, int count)
    {
        if (count >= LongRow)
        {
            Unsafe.CopyBlockUnaligned(dst, src, (uint)(count * sizeof(float)));
            return;
        }
        Short(dst, src, count, Widest);
    }

    /// <summary>
    /// Whole vectors of at most <paramref name="widest"/> floats, then one last vector that ends at the row's end
    /// (overlapping the previous one); tests run every width on one machine.
    /// </summary>
    internal static void Short(float* dst, float* src, int count, int widest)
    {
        if (widest >= 16 && count >= 16)
        {
            for (int i = 0; i + 16 <= count; i += 16) Vector512.Load(src + i).Store(dst + i);
            Vector512.Load(src + count - 16).Store(dst + count - 16);
            return;
        }
        if (widest >= 8 && count >= 8)
        {
            for (int i = 0; i + 8 <= count; i += 8) Vector256.Load(src + i).Store(dst + i);
            Vector256.Load(src + count - 8).Store(dst + count - 8);
            return;
        }
        if (widest >= 4 && count >= 4)
        {
            for (int i = 0; i + 4 <= count; i += 4) Vector128.Load(src + i).Store(dst + i);
            Vector128.Load(src + count - 4).Store(dst + count - 4);
            return;
        }
        for (int i = 0; i < count; i++) dst[i] = src[i];
    }
}
