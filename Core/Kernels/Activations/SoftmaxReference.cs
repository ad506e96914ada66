using System.Numerics;

namespace MLNet.Cnn.Kernels;

/// <summary>
/// The specification of <see cref="Softmax"/> and <see cref="LogSoftmax"/> on a tensor seen as [outer, C, inner]
/// (element (o, c, j) at (o·C + c)·inner + j); the backward passes are the textbook Jacobian-vector products.
/// </summary>
internal static class SoftmaxReference
{
    // x, y [outer, C, inner]:  y_c = e^(x_c − m) / Σ_k e^(x_k − m),  m = max_k x_k
    public static void Forward<T>(ReadOnlySpan<T> x, Span<T> y, int outer, int classes, int inner)
        where T : IFloatingPointIeee754<T>
    {
        for (int o = 0; o < outer; o++)
            for (int j = 0; j < inner; j++)
            {
                T max = MaxOver(x, o, j, classes, inner), sum = T.Zero;
                for (int c = 0; c < classes; c++) sum += T.Exp(x[(o * classes + c) * inner + j] - max);
                for (int c = 0; c < classes; c++)
                {
                    int at = (o * classes + c) * inner + j;
                    y[at] = T.Exp(x[at] - max) / sum;
                }
            }
    }

    // y = softmax(x), dy, dx [outer, C, inner]:  dx_k = Σ_c dy_c · ∂y_c/∂x_k,  ∂y_c/∂x_k = y_c·(δ_ck − y_k)
    public static void Backward<T>(ReadOnlySpan<T> y, ReadOnlySpan<T> dy, Span<T> dx, int outer, int classes, int inner)
        where T : IFloatingPointIeee754<T>
    {
        for (int o = 0; o < outer; o++)
            for (int j = 0; j < inner; j++)
                for (int k = 0; k < classes; k++)
                {
                    T sum = T.Zero, yk = y[(o * classes + k) * inner + j];
                    for (int c = 0; c < classes; c++)
                    {
                        int at = (o * classes + c) * inner + j;
                        sum += dy[at] * y[at] * ((c == k ? T.One : T.Zero) - yk);
                    }
                    dx[(o * classes + k) * inner + j] = sum;
                }
    }

    // x, y [outer, C, inner]:  y_c = x_c − m − log Σ_k e^(x_k − m),  m = max_k x_k
    public static void LogForward<T>(ReadOnlySpan<T> x, Span<T> y, int outer, int classes, int inner)
        where T : IFloatingPointIeee754<T>
    {
        for (int o = 0; o < outer; o++)
            for (int j = 0; j < inner; j++)
            {
                T max = MaxOver(x, o, j, classes, inner), sum = T.Zero;
                for (int c = 0; c < classes; c++) sum += T.Exp(x[(o * classes + c) * inner + j] - max);
                for (int c = 0; c < classes; c++)
                {
                    int at = (o * classes + c) * inner + j;
                    y[at] = x[at] - max - T.Log(sum);
                }
            }
    }

    // y = log-softmax(x), dy, dx [outer, C, inner]:  dx_k = Σ_c dy_c · ∂y_c/∂x_k,  ∂y_c/∂x_k = δ_ck − e^(y_k)
    public static void LogBackward<T>(ReadOnlySpan<T> y, ReadOnlySpan<T> dy, Span<T> dx, int outer, int classes,
        int inner) where T : IFloatingPointIeee754<T>
    {
        for (int o = 0; o < outer; o++)
            for (int j = 0; j < inner; j++)
                for (int k = 0; k < classes; k++)
                {
                    T sum = T.Zero, pk = T.Exp(y[(o * classes + k) * inner + j]);
                    for (int c = 0; c < classes; c++)
                        sum += dy[(o * classes + c) * inner + j] * ((c == k ? T.One : T.Zero) - pk);
                    dx[(o * classes + k) * inner + j] = sum;
                }
    }

    private static T MaxOver<T>(ReadOnlySpan<T> x, int o, int j, int classes, int inner) where T : IFloatingPointIeee754<T>
    {
        T max = T.NegativeInfinity;
        for (int c = 0; c < classes; c++) max = T.Max(max, x[(o * classes + c) * inner + j]);
        return max;
    }
}
