using System.Numerics;

namespace MLNet.Cnn.Kernels;

/// <summary>
/// The specification of <see cref="Gemm"/>: C (=|+=) A·B with
/// A(i, p) = a[i·aRowStride + p·aColStride], B(p, j) = b[p·bRowStride + j·bColStride], C(i, j) = c[i·ldc + j].
/// </summary>
internal static class GemmReference
{
    public static void Multiply<T>(int m, int n, int k,
        ReadOnlySpan<T> a, int aRowStride, int aColStride,
        ReadOnlySpan<T> b, int bRowStride, int bColStride,
        Span<T> c, int ldc, bool accumulate) where T : IFloatingPointIeee754<T>
    {
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
            {
                T sum = accumulate ? c[i * ldc + j] : T.Zero;
                for (int p = 0; p < k; p++)
                    sum += a[i * aRowStride + p * aColStride] * b[p * bRowStride + j * bColStride];
                c[i * ldc + j] = sum;
            }
    }
}
