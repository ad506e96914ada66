using System.Collections.Concurrent;
using MLNet.Cnn.Kernels;

namespace MLNet.Cnn.Augment;

/// <summary>
/// Separable Gaussian blur of a [H, W] field in place, over ±4σ with mirrored borders (elastic warping's smoothing of
/// its displacement fields). The blur along an axis of n values is linear, out = K·in with
/// K[i, m] = Σ kernel[k] over the taps k whose mirrored position mirror(i + k − r) is m (the border folded into the
/// matrix), so <see cref="Apply"/> is two small matrix products, S = K_H · F · K_Wᵀ, on the core's GEMM; the matrices
/// are built once per (n, σ). <see cref="ApplyReference"/> is the plain loop in double, tested against it.
/// </summary>
internal static unsafe class GaussianSmoothing
{
    private static readonly ConcurrentDictionary<(int Length, double Sigma), float[]> Operators = new();

    public static void Apply(Span<float> field, int height, int width, double sigma)
    {
        if (sigma == 0) return;
        var alongRows = Operators.GetOrAdd((width, sigma), key => Operator(key.Length, key.Sigma));
        var alongColumns = Operators.GetOrAdd((height, sigma), key => Operator(key.Length, key.Sigma));
        var rows = new float[height * width];
        fixed (float* f = field, kw = alongRows, kh = alongColumns, r = rows)
        {
            // rows[i, j] = Σ_m field[i, m] · K_W[j, m]: F · K_Wᵀ, K_Wᵀ's element (m, j) at kw[j·W + m].
            Gemm.Multiply(height, width, width, f, width, 1, kw, 1, width, r, width, accumulate: false, parallel: false);
            // field[i, j] = Σ_m K_H[i, m] · rows[m, j].
            Gemm.Multiply(height, width, height, kh, height, 1, r, width, 1, f, width, accumulate: false, parallel: false);
        }
    }

    /// <summary>K [n, n] of the blur along an axis of <paramref name="length"/> values, mirrored borders folded in.</summary>
    private static float[] Operator(int length, double sigma)
    {
        var kernel = Kernel(sigma);
        int radius = kernel.Length / 2;
        var matrix = new float[length * length];
        for (int i = 0; i < length; i++)
            for (int k = 0; k < kernel.Length; k++) matrix[i * length + MirrorIndex.Of(i + k - radius, length)] += kernel[k];
        return matrix;
    }

    public static void ApplyReference(Span<float> field, int height, int width, double sigma)
    {
        if (sigma == 0) return;
        var kernel = Kernel(sigma);
        int radius = kernel.Length / 2;
        var rowsSmoothed = new double[height * width];
        for (int i = 0; i < height; i++)
            for (int j = 0; j < width; j++)
            {
                double sum = 0;
                for (int k = -radius; k <= radius; k++) sum += kernel[k + radius] * (double)field[i * width + MirrorIndex.Of(j + k, width)];
                rowsSmoothed[i * width + j] = sum;
            }
        for (int i = 0; i < height; i++)
            for (int j = 0; j < width; j++)
            {
                double sum = 0;
                for (int k = -radius; k <= radius; k++) sum += kernel[k + radius] * rowsSmoothed[MirrorIndex.Of(i + k, height) * width + j];
                field[i * width + j] = (float)sum;
            }
    }

    /// <summary>exp(−k² / 2σ²) for k = −⌈4σ⌉ … ⌈4σ⌉, normalized to sum 1.</summary>
    private static float[] Kernel(double sigma)
    {
        int radius = (int)Math.Ceiling(4 * sigma);
        var kernel = new double[2 * radius + 1];
        for (int k = -radius; k <= radius; k++) kernel[k + radius] = Math.Exp(-k * k / (2 * sigma * sigma));
        double total = kernel.Sum();
        return kernel.Select(v => (float)(v / total)).ToArray();
    }
}
