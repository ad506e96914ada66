using MLNet.Cnn.Tensors;
using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;

namespace MLNet.Cnn.Kernels;

/// <summary>Element-wise sum of two tensors of one shape: the join of a residual block.</summary>
internal static unsafe class Add
{
    // a, b, y [any shape, all the same; y may be a or b]:  y = a + b
    public static void Forward(Tensor a, Tensor b, Tensor y)
    {
        ArgumentNullException.ThrowIfNull(a);
        Require.SameShape(b, a, nameof(b), nameof(a));
        Require.SameShape(y, a, nameof(y), nameof(a));
        nint pa = (nint)a.Pointer, pb = (nint)b.Pointer, py = (nint)y.Pointer;
        PlaneParallel.For(a.Length, 1, (start, end) => TensorPrimitives.Add(
            new ReadOnlySpan<float>((float*)pa + start, end - start), new ReadOnlySpan<float>((float*)pb + start, end - start),
            new Span<float>((float*)py + start, end - start)));
    }

    // dy, da, db [the shape of a]:  da = dy, db = dy
    // (copies; a layer that may hand dy on to both branches needs no call at all)
    public static void Backward(Tensor dy, Tensor da, Tensor db)
    {
        ArgumentNullException.ThrowIfNull(dy);
        Require.SameShape(da, dy, nameof(da), nameof(dy));
        Require.SameShape(db, dy, nameof(db), nameof(dy));
        dy.Span.CopyTo(da.Span);
        dy.Span.CopyTo(db.Span);
    }
}
