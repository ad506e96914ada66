using MLNet.Cnn.Tensors;

namespace MLNet.Cnn.Kernels;

/// <summary>
/// Splits [0, count) into at most <see cref="CnnParallel.MaxDegreeOfParallelism"/> contiguous ranges run
/// through <see cref="CnnParallel.For"/>, when count × costPerItem is large enough to repay handing work to
/// another thread; otherwise runs body(0, count) inline. Items are elements, rows or planes; costPerItem is
/// their size in elements.
/// </summary>
internal static class ParallelRanges
{
    /// <summary>Elements of work below which one more thread costs more than it saves.</summary>
    private const long MinWorkPerRange = 1 << 16;

    public static void For(int count, long costPerItem, Action<int, int> body)
    {
        if (count <= 0) return;
        long byWork = Math.Max(1, count * costPerItem / MinWorkPerRange);
        int ranges = (int)Math.Min(Math.Min(CnnParallel.MaxDegreeOfParallelism, count), byWork);
        if (ranges == 1)
        {
            body(0, count);
            return;
        }
        CnnParallel.For(ranges, r => body((int)((long)count * r / ranges), (int)((long)count * (r + 1) / ranges)));
    }
}
