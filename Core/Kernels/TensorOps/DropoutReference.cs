using System.Numerics;

namespace MLNet.Cnn.Kernels;

/// <summary>The specification of <see cref="Dropout"/>: the same mask for the same <see cref="Random"/> state.</summary>
internal static class DropoutReference
{
    // x, y, mask [any shape]:
    //   training:   mask_i = random.NextDouble() ≥ p ? 1/(1 − p) : 0,  y_i = x_i·mask_i
    //   inference:  mask_i = 1, y_i = x_i
    public static void Forward<T>(ReadOnlySpan<T> x, Span<T> y, Span<T> mask, float p, Random random, bool training)
        where T : IFloatingPointIeee754<T>
    {
        Dropout.CheckProbability(p);
        T keep = T.One / (T.One - T.CreateChecked(p));
        for (int i = 0; i < x.Length; i++)
        {
            mask[i] = !training ? T.One : random.NextDouble() >= p ? keep : T.Zero;
            y[i] = x[i] * mask[i];
        }
    }

    // dy, mask, dx [any shape]:  dx_i = dy_i·mask_i
    public static void Backward<T>(ReadOnlySpan<T> dy, ReadOnlySpan<T> mask, Span<T> dx) where T : IFloatingPointIeee754<T>
    {
        for (int i = 0; i < dy.Length; i++) dx[i] = dy[i] * mask[i];
    }
}
