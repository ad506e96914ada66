namespace MLNet.Cnn.Augment;

/// <summary>
/// The index read at position k of an axis of the given size when the axis is continued by reflection about its first
/// and last pixels, which are not repeated (PyTorch's "reflect"): … x2 x1 | x0 x1 x2 … x(n−1) | x(n−2) …
/// Folds as often as needed, so any distance works (a size-1 axis reads its one pixel).
/// </summary>
internal static class MirrorIndex
{
    public static int Of(int k, int size)
    {
        if (size == 1) return 0;
        int period = 2 * (size - 1);
        k %= period;
        if (k < 0) k += period;
        return k < size ? k : period - k;
    }
}
