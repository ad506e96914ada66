using System.Numerics.Tensors;

namespace MLNet.Cnn.Kernels;

/// <summary>
/// Pointer-based wrappers over <see cref="TensorPrimitives"/> for the kernels' inner loops. Rows shorter than
/// <see cref="ShortRow"/> (the rows of 2×2–14×14 maps) take a plain loop: the same sums, without the call's set-up.
/// </summary>
internal static unsafe class VectorMath
{
    private const int ShortRow = 16;

    /// <summary>dst[i] += src[i], i &lt; count.</summary>
    public static void Add(float* src, float* dst, int count)
    {
        if (count < ShortRow)
        {
            for (int i = 0; i < count; i++) dst[i] += src[i];
            return;
        }
        var d = new Span<float>(dst, count);
        TensorPrimitives.Add(new ReadOnlySpan<float>(src, count), d, d);
    }

    /// <summary>dst[i] += value, i &lt; count.</summary>
    public static void Add(float value, float* dst, int count)
    {
        if (count < ShortRow)
        {
            for (int i = 0; i < count; i++) dst[i] += value;
            return;
        }
        var d = new Span<float>(dst, count);
        TensorPrimitives.Add(d, value, d);
    }

    public static float Sum(float* src, int count) =>
        count <= 0 ? 0f : TensorPrimitives.Sum(new ReadOnlySpan<float>(src, count));
}
