using System.Numerics.Tensors;

namespace MLNet.Cnn.Augment;

/// <summary>
/// Separable Gaussian blur of a [H, W] field in place, over ±4σ with mirrored borders (elastic warping's smoothing of
/// its displacement fields). <see cref="Apply"/> pads each row once and takes dot products with the kernel (rows), then
/// adds whole mirrored rows scaled by the kernel (columns) — vectorized; <see cref="ApplyReference"/> is the plain loop in
/// double, tested against it.
/// </summary>
internal static class GaussianSmoothing
{
    public static void Apply(Span<float> field, int height, int width, double sigma)
    {
        if (sigma == 0) return;
        var kernel = Kernel(sigma);
        int radius = kernel.Length / 2;
        var padded = new float[width + 2 * radius];
        var rows = new float[height * width];
        // Rows: rows[i, j] = Σ_k kernel[k] · field[i, mirror(j + k − r)].
        for (int i = 0; i < height; i++)
        {
            var row = field.Slice(i * width, width);
            for (int p = 0; p < padded.Length; p++) padded[p] = row[MirrorIndex.Of(p - radius, width)];
            for (int j = 0; j < width; j++) rows[i * width + j] = TensorPrimitives.Dot(kernel, padded.AsSpan(j, kernel.Length));
        }
        // Columns: field[i, :] = Σ_k kernel[k] · rows[mirror(i + k − r), :].
        for (int i = 0; i < height; i++)
        {
            var output = field.Slice(i * width, width);
            output.Clear();
            for (int k = 0; k < kernel.Length; k++)
                TensorPrimitives.MultiplyAdd(rows.AsSpan(MirrorIndex.Of(i + k - radius, height) * width, width), kernel[k], output, output);
        }
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
