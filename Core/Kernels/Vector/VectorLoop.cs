using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace MLNet.Cnn.Kernels;

/// <summary>An element-wise operator on two float vectors, written once for each vector width.</summary>
internal interface IBinaryVectorOperator
{
    Vector512<float> Invoke(Vector512<float> a, Vector512<float> b);
    Vector256<float> Invoke(Vector256<float> a, Vector256<float> b);
}

/// <summary>An element-wise function of one float vector, written once for each vector width.</summary>
internal interface IUnaryVectorOperator
{
    Vector512<float> Invoke(Vector512<float> x);
    Vector256<float> Invoke(Vector256<float> x);
}

/// <summary>The vector width <see cref="VectorLoop"/> runs at; tests run both.</summary>
internal enum VectorWidth
{
    Bits256 = 256,
    Bits512 = 512,
}

/// <summary>
/// The one vectorized loop for element-wise operators that TensorPrimitives does not have (the piecewise
/// derivatives of the activations, and the activations it lacks): destination[i] = op(a[i], b[i]) or op(x[i]). The
/// tail shorter than one vector goes through a zero-padded stack copy, so an operator needs no scalar version.
/// destination may be a, b or x.
/// </summary>
internal static class VectorLoop
{
    /// <summary>The widest width the CPU runs natively.</summary>
    public static VectorWidth DefaultWidth { get; } =
        Vector512.IsHardwareAccelerated ? VectorWidth.Bits512 : VectorWidth.Bits256;

    public static void Apply<TOp>(TOp op, ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> destination,
        VectorWidth width) where TOp : struct, IBinaryVectorOperator
    {
        int n = destination.Length, i = 0;
        Debug.Assert(a.Length >= n && b.Length >= n);
        ref float ra = ref MemoryMarshal.GetReference(a);
        ref float rb = ref MemoryMarshal.GetReference(b);
        ref float rd = ref MemoryMarshal.GetReference(destination);
        if (width == VectorWidth.Bits512)
            for (; i <= n - Vector512<float>.Count; i += Vector512<float>.Count)
                op.Invoke(Vector512.LoadUnsafe(ref ra, (nuint)i), Vector512.LoadUnsafe(ref rb, (nuint)i))
                    .StoreUnsafe(ref rd, (nuint)i);
        else
            for (; i <= n - Vector256<float>.Count; i += Vector256<float>.Count)
                op.Invoke(Vector256.LoadUnsafe(ref ra, (nuint)i), Vector256.LoadUnsafe(ref rb, (nuint)i))
                    .StoreUnsafe(ref rd, (nuint)i);
        if (i < n) Tail(op, a[i..n], b[i..n], destination[i..], width);
    }

    public static void Apply<TOp>(TOp op, ReadOnlySpan<float> x, Span<float> destination, VectorWidth width)
        where TOp : struct, IUnaryVectorOperator
    {
        int n = destination.Length, i = 0;
        Debug.Assert(x.Length >= n);
        ref float rx = ref MemoryMarshal.GetReference(x);
        ref float rd = ref MemoryMarshal.GetReference(destination);
        if (width == VectorWidth.Bits512)
            for (; i <= n - Vector512<float>.Count; i += Vector512<float>.Count)
                op.Invoke(Vector512.LoadUnsafe(ref rx, (nuint)i)).StoreUnsafe(ref rd, (nuint)i);
        else
            for (; i <= n - Vector256<float>.Count; i += Vector256<float>.Count)
                op.Invoke(Vector256.LoadUnsafe(ref rx, (nuint)i)).StoreUnsafe(ref rd, (nuint)i);
        if (i == n) return;
        Span<float> px = stackalloc float[Vector512<float>.Count];
        Span<float> pd = stackalloc float[Vector512<float>.Count];
        px.Clear();
        x[i..n].CopyTo(px);
        if (width == VectorWidth.Bits512) op.Invoke(Vector512.Create(px)).CopyTo(pd);
        else op.Invoke(Vector256.Create(px)).CopyTo(pd);
        pd[..(n - i)].CopyTo(destination[i..]);
    }

    private static void Tail<TOp>(TOp op, ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> destination,
        VectorWidth width) where TOp : struct, IBinaryVectorOperator
    {
        Span<float> pa = stackalloc float[Vector512<float>.Count];
        Span<float> pb = stackalloc float[Vector512<float>.Count];
        Span<float> pd = stackalloc float[Vector512<float>.Count];
        pa.Clear();
        pb.Clear();
        a.CopyTo(pa);
        b.CopyTo(pb);
        if (width == VectorWidth.Bits512)
            op.Invoke(Vector512.Create(pa), Vector512.Create(pb)).CopyTo(pd);
        else
            op.Invoke(Vector256.Create(pa), Vector256.Create(pb)).CopyTo(pd);
        pd[..destination.Length].CopyTo(destination);
    }
}
