using System.Numerics;

namespace MLNet.Cnn.Kernels;

/// <summary>The specification of <see cref="Concat"/>, element by element.</summary>
internal static class ConcatReference
{
    // inputs[i] [N, channels[i], planeSize], y [N, Σ channels, planeSize]:
    //   y[n, C₀ + … + Cᵢ₋₁ + c, j] = inputs[i][n, c, j]
    public static void Forward<T>(T[][] inputs, int[] channels, Span<T> y, int batch, int planeSize)
        where T : IFloatingPointIeee754<T>
    {
        int total = channels.Sum();
        for (int n = 0; n < batch; n++)
            for (int i = 0, first = 0; i < inputs.Length; first += channels[i], i++)
                for (int c = 0; c < channels[i]; c++)
                    for (int j = 0; j < planeSize; j++)
                        y[(n * total + first + c) * planeSize + j] = inputs[i][(n * channels[i] + c) * planeSize + j];
    }

    // dy [N, Σ channels, planeSize], dInputs[i] [N, channels[i], planeSize]:
    //   dInputs[i][n, c, j] = dy[n, C₀ + … + Cᵢ₋₁ + c, j]
    public static void Backward<T>(ReadOnlySpan<T> dy, T[][] dInputs, int[] channels, int batch, int planeSize)
        where T : IFloatingPointIeee754<T>
    {
        int total = channels.Sum();
        for (int n = 0; n < batch; n++)
            for (int i = 0, first = 0; i < dInputs.Length; first += channels[i], i++)
                for (int c = 0; c < channels[i]; c++)
                    for (int j = 0; j < planeSize; j++)
                        dInputs[i][(n * channels[i] + c) * planeSize + j] = dy[(n * total + first + c) * planeSize + j];
    }
}
