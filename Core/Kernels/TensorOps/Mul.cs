using MLNet.Cnn.Tensors;
using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;

namespace MLNet.Cnn.Kernels;

/// <summary>
/// Element-wise product: of two tensors of one shape, or squeeze-and-excitation's broadcast of one factor per
/// plane, a [N, C, H, W] times b [N, C, 1, 1]. A "plane" is one (n, c).
/// </summary>
internal static unsafe class Mul
{
    // a [any shape; N, C, H, W to broadcast], b [shape of a] or [N, C, 1, 1], y [shape of a; may be a]:
    //   same shape:  y = a ⊙ b
    //   broadcast:   y[n, c, h, w] = a[n, c, h, w]·b[n, c]
    public static void Forward(Tensor a, Tensor b, Tensor y)
    {
        bool broadcast = IsBroadcast(a, b);
        Require.SameShape(y, a, nameof(y), nameof(a));
        nint pa = (nint)a.Pointer, pb = (nint)b.Pointer, py = (nint)y.Pointer;
        if (!broadcast)
        {
            PlaneParallel.For(a.Length, 1, (start, end) => TensorPrimitives.Multiply(
                new ReadOnlySpan<float>((float*)pa + start, end - start), new ReadOnlySpan<float>((float*)pb + start, end - start),
                new Span<float>((float*)py + start, end - start)));
            return;
        }
        int planeSize = a.Shape.SizeFrom(2);
        PlaneParallel.For(b.Length, planeSize, (p0, p1) =>
        {
            for (int p = p0; p < p1; p++)
                TensorPrimitives.Multiply(new ReadOnlySpan<float>((float*)pa + (long)p * planeSize, planeSize),
                    ((float*)pb)[p], new Span<float>((float*)py + (long)p * planeSize, planeSize));
        });
    }

    // a, dy, da [shape of a], b, db [shape of b]; da and db must not share storage with a, b or dy:
    //   same shape:  da = dy ⊙ b,             db = dy ⊙ a
    //   broadcast:   da = dy·b[n, c],          db[n, c] = Σ_{h, w} dy·a
    public static void Backward(Tensor a, Tensor b, Tensor dy, Tensor da, Tensor db)
    {
        bool broadcast = IsBroadcast(a, b);
        Require.SameShape(dy, a, nameof(dy), nameof(a));
        Require.SameShape(da, a, nameof(da), nameof(a));
        Require.SameShape(db, b, nameof(db), nameof(b));
        Require.Distinct(da, dy, nameof(da), nameof(dy));
        Require.Distinct(db, dy, nameof(db), nameof(dy));
        // da = a would be overwritten before db = dy ⊙ a reads it; db = b before da = dy·b[n, c] reads it.
        Require.Distinct(da, a, nameof(da), nameof(a));
        Require.Distinct(da, b, nameof(da), nameof(b));
        Require.Distinct(db, a, nameof(db), nameof(a));
        Require.Distinct(db, b, nameof(db), nameof(b));
        nint pa = (nint)a.Pointer, pb = (nint)b.Pointer, pdy = (nint)dy.Pointer, pda = (nint)da.Pointer, pdb = (nint)db.Pointer;
        if (!broadcast)
        {
            PlaneParallel.For(a.Length, 2, (start, end) =>
            {
                var dys = new ReadOnlySpan<float>((float*)pdy + start, end - start);
                TensorPrimitives.Multiply(dys, new ReadOnlySpan<float>((float*)pb + start, end - start),
                    new Span<float>((float*)pda + start, end - start));
                TensorPrimitives.Multiply(dys, new ReadOnlySpan<float>((float*)pa + start, end - start),
                    new Span<float>((float*)pdb + start, end - start));
            });
            return;
        }
        int planeSize = a.Shape.SizeFrom(2);
        PlaneParallel.For(b.Length, 2L * planeSize, (p0, p1) =>
        {
            for (int p = p0; p < p1; p++)
            {
                long at = (long)p * planeSize;
                var dys = new ReadOnlySpan<float>((float*)pdy + at, planeSize);
                ((float*)pdb)[p] = TensorPrimitives.Dot(dys, new ReadOnlySpan<float>((float*)pa + at, planeSize));
                TensorPrimitives.Multiply(dys, ((float*)pb)[p], new Span<float>((float*)pda + at, planeSize));
            }
        });
    }

    /// <summary>True for b [N, C, 1, 1] against a [N, C, H, W], false for b of a's shape; anything else throws.</summary>
    private static bool IsBroadcast(Tensor a, Tensor b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (b.Shape == a.Shape) return false;
        if (a.Shape.Rank == 4 && b.Shape == new TensorShape(a.Shape[0], a.Shape[1], 1, 1)) return true;
        string perPlane = a.Shape.Rank == 4 ? $" or [{a.Shape[0]}, {a.Shape[1]}, 1, 1]" : "";
        throw new ArgumentException($"b has shape {b.Shape}; expected the shape of a, {a.Shape}{perPlane}.", nameof(b));
    }
}
