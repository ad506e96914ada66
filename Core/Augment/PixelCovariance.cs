namespace MLNet.Cnn.Augment;

/// <summary>
/// The C×C covariance of pixel colors over a set of planar images [C, H, W]: every pixel of every image is one
/// observation, the channels are the variables. Sums are accumulated in double around the first pixel's color K
/// (Σ(x − K), Σ(x − K)(x − K)ᵀ), which keeps the one-pass formula free of cancellation when the mean is far from 0:
/// Σ_cd = (S_cd − S_c·S_d / n) / n, the population covariance (n is in the millions, so n or n − 1 makes no difference).
/// </summary>
internal static class PixelCovariance
{
    public static double[,] Of(IEnumerable<ReadOnlyMemory<float>> images, int channels)
    {
        ArgumentNullException.ThrowIfNull(images);
        if (channels <= 0) throw new ArgumentOutOfRangeException(nameof(channels), channels, $"channels must be positive; {channels} was given.");
        double[]? origin = null;
        var sums = new double[channels];
        var products = new double[channels, channels];
        var centered = new double[channels];
        long n = 0;
        int index = 0;
        foreach (var memory in images)
        {
            var image = memory.Span;
            if (image.Length == 0 || image.Length % channels != 0)
                throw new ArgumentException($"Image {index} has {image.Length} values, not a whole number of {channels}-channel pixels.", nameof(images));
            int plane = image.Length / channels;
            if (origin is null)
            {
                origin = new double[channels];
                for (int c = 0; c < channels; c++) origin[c] = image[c * plane];
            }
            for (int j = 0; j < plane; j++)
            {
                for (int c = 0; c < channels; c++) centered[c] = image[c * plane + j] - origin[c];
                for (int c = 0; c < channels; c++)
                {
                    sums[c] += centered[c];
                    for (int d = c; d < channels; d++) products[c, d] += centered[c] * centered[d];
                }
            }
            n += plane;
            index++;
        }
        if (n == 0) throw new ArgumentException("No images were given: a covariance needs at least one pixel.", nameof(images));

        var covariance = new double[channels, channels];
        for (int c = 0; c < channels; c++)
            for (int d = c; d < channels; d++)
                covariance[c, d] = covariance[d, c] = (products[c, d] - sums[c] * sums[d] / n) / n;
        return covariance;
    }
}
