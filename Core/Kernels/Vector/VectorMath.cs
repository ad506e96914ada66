using System.Numerics.Tensors;

namespace MLNet.Cnn.Kernels;

/// <summary>Pointer-based wrappers over <see cref="TensorPrimitives"/> for the kernels' inner loops.</summary>
internal static unsafe class VectorMath
{
    /// <summary>dst[i] += src[i], i &lt; count.</summary>
    public static void Add(float* src, float* dst, int count)
    {
        if (count <= 0) return;
        var d = new Span<float>(dst, count);
        TensorPrimitives.Add(new ReadOnlySpan<float>(src, count), d, d);
    }

    /// <summary>dst[i] += value, i &lt; count.</summary>
    public static void Add(float value, float* dst, int count)
    {
        if (count <= 0) return;
        var d = new Span<float>(dst, count);
        TensorPrimitives.Add(d, value, d);
    }

    public static float Sum(float* src, int count) =>
        count <= 0 ? 0f : TensorPrimitives.Sum(new ReadOnlySpan<float>(src, count));
}
