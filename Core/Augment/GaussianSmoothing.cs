namespace MLNet.Cnn.Augment;

/// <summary>
/// Gaussian smoothing of a [H, W] field, separably (rows, then columns), with the kernel
///   g(k) = e^(−k²/2σ²) / Σ_m e^(−m²/2σ²),   |k| ≤ r = ⌈4σ⌉   (scipy's truncate = 4)
/// and the field continued by reflection at its borders (<see cref="MirrorIndex"/>, torchvision's gaussian_blur).
/// </summary>
internal static class GaussianSmoothing
{
    public static void Apply(Span<float> field, int height, int width, double sigma)
    {
        if (sigma == 0) return;
        int radius = (int)Math.Ceiling(4 * sigma);
        var kernel = new double[2 * radius + 1];
        for (int k = -radius; k <= radius; k++) kernel[k + radius] = Math.Exp(-k * k / (2 * sigma * sigma));
        double total = kernel.Sum();
        for (int k = 0; k < kernel.Length; k++) kernel[k] /= total;

        var rowsSmoothed = new float[height * width];
        for (int i = 0; i < height; i++)
            for (int j = 0; j < width; j++)
            {
                double sum = 0;
                for (int k = -radius; k <= radius; k++) sum += kernel[k + radius] * field[i * width + MirrorIndex.Of(j + k, width)];
                rowsSmoothed[i * width + j] = (float)sum;
            }
        for (int i = 0; i < height; i++)
            for (int j = 0; j < width; j++)
            {
                double sum = 0;
                for (int k = -radius; k <= radius; k++) sum += kernel[k + radius] * rowsSmoothed[MirrorIndex.Of(i + k, height) * width + j];
                field[i * width + j] = (float)sum;
            }
    }
}
