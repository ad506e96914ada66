using System.Numerics;

namespace MLNet.Cnn.Kernels;

/// <summary>The specification of <see cref="ChannelShuffle"/>: PyTorch's reshape [N, g, C/g, …] → transpose(1, 2).</summary>
internal static class ChannelShuffleReference
{
    // x, y [N, C, planeSize]:  y[n, k·groups + g, j] = x[n, g·(C/groups) + k, j]
    public static void Forward<T>(ReadOnlySpan<T> x, Span<T> y, int batch, int channels, int planeSize, int groups)
        where T : IFloatingPointIeee754<T>
    {
        int perGroup = channels / groups;
        for (int n = 0; n < batch; n++)
            for (int g = 0; g < groups; g++)
                for (int k = 0; k < perGroup; k++)
                    for (int j = 0; j < planeSize; j++)
                        y[(n * channels + k * groups + g) * planeSize + j] = x[(n * channels + g * perGroup + k) * planeSize + j];
    }

    // dy, dx [N, C, planeSize]:  dx[n, g·(C/groups) + k, j] = dy[n, k·groups + g, j]
    public static void Backward<T>(ReadOnlySpan<T> dy, Span<T> dx, int batch, int channels, int planeSize, int groups)
        where T : IFloatingPointIeee754<T>
    {
        int perGroup = channels / groups;
        for (int n = 0; n < batch; n++)
            for (int g = 0; g < groups; g++)
                for (int k = 0; k < perGroup; k++)
                    for (int j = 0; j < planeSize; j++)
                        dx[(n * channels + g * perGroup + k) * planeSize + j] = dy[(n * channels + k * groups + g) * planeSize + j];
    }
}
