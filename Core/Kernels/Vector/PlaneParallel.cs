using MLNet.Cnn.Tensors;

namespace MLNet.Cnn.Kernels;

/// <summary>
/// Splits independent work items (image planes, channels, tiles) into contiguous ranges for
/// <see cref="CnnParallel.For"/>, each worth at least <see cref="MinElementsPerRange"/> elements, so small
/// tensors run inline instead of paying for thread hand-offs, and per-range scratch is rented once.
/// </summary>
internal static class PlaneParallel
{
    private const long MinElementsPerRange = 1 << 14;

    /// <summary>
    /// Calls <paramref name="body"/>(start, end) on disjoint ranges covering 0 … <paramref name="count"/> − 1;
    /// each item touches about <paramref name="elementsPerItem"/> elements.
    /// </summary>
    public static void For(int count, long elementsPerItem, Action<int, int> body)
    {
        if (count <= 0) return;
        int ranges = (int)Math.Clamp(count * elementsPerItem / MinElementsPerRange, 1, Math.Min(count, CnnParallel.MaxDegreeOfParallelism));
        CnnParallel.For(ranges, r => body((int)((long)count * r / ranges), (int)((long)count * (r + 1) / ranges)));
    }
}
