using System.Numerics;

namespace MLNet.Cnn.Kernels;

/// <summary>The specification of <see cref="Add"/> and <see cref="Mul"/>.</summary>
internal static class ElementwiseReference
{
    // a, b, y [any shape]:  y = a + b
    public static void AddForward<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> y) where T : IFloatingPointIeee754<T>
    {
        for (int i = 0; i < a.Length; i++) y[i] = a[i] + b[i];
    }

    // dy, da, db [any shape]:  da = dy, db = dy
    public static void AddBackward<T>(ReadOnlySpan<T> dy, Span<T> da, Span<T> db) where T : IFloatingPointIeee754<T>
    {
        for (int i = 0; i < dy.Length; i++) da[i] = db[i] = dy[i];
    }

    // a, y [planes, planeSize]; b [planes, planeSize] (same shape) or [planes] (one factor per plane):
    //   y[p, i] = a[p, i]·b[p, i]  or  a[p, i]·b[p]
    public static void MulForward<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> y, int planes, int planeSize)
        where T : IFloatingPointIeee754<T>
    {
        bool broadcast = b.Length != a.Length;
        for (int p = 0; p < planes; p++)
            for (int i = 0; i < planeSize; i++)
            {
                int at = p * planeSize + i;
                y[at] = a[at] * b[broadcast ? p : at];
            }
    }

    // a, dy, da [planes, planeSize]; b, db [planes, planeSize] or [planes]:
    //   da[p, i] = dy[p, i]·b[p, i] or dy[p, i]·b[p];   db[p, i] = dy[p, i]·a[p, i]  or  db[p] = Σ_i dy[p, i]·a[p, i]
    public static void MulBackward<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, ReadOnlySpan<T> dy, Span<T> da, Span<T> db,
        int planes, int planeSize) where T : IFloatingPointIeee754<T>
    {
        bool broadcast = b.Length != a.Length;
        db.Clear();
        for (int p = 0; p < planes; p++)
            for (int i = 0; i < planeSize; i++)
            {
                int at = p * planeSize + i, bAt = broadcast ? p : at;
                da[at] = dy[at] * b[bAt];
                db[bAt] += dy[at] * a[at];
            }
    }
}
