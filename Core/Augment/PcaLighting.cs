using MLNet.Cnn.Data;

namespace MLNet.Cnn.Augment;

/// <summary>
/// AlexNet's "fancy PCA" lighting noise (Krizhevsky, Sutskever and Hinton, 2012, §4.1): per call draw αᵢ ~ N(0, σ) for
/// each principal component of the pixel colors and add Σᵢ αᵢ·λᵢ·vᵢ to every pixel, λᵢ and vᵢ the eigenvalues and
/// eigenvectors of the C×C color covariance. The pixels are not clamped (AlexNet and fb.resnet.torch do not clamp).
/// The eigen-decomposition comes from the published ImageNet constants (<see cref="ImageNet"/>) or from the user's own
/// training images (<see cref="FromImages(IEnumerable{ReadOnlyMemory{float}}, int, double, int?)"/>).
/// </summary>
public sealed class PcaLighting : IAugmentation
{
    private readonly double[] _eigenvalues;
    private readonly double[,] _eigenvectors;

    /// <param name="eigenvalues">λ, C values ≥ 0.</param>
    /// <param name="eigenvectors">[C, C], column i the unit eigenvector vᵢ of λᵢ (the layout of fb.resnet.torch's eigvec).</param>
    /// <param name="alphaStd">σ, the standard deviation of the αᵢ (0.1 in AlexNet).</param>
    public PcaLighting(double[] eigenvalues, double[,] eigenvectors, double alphaStd = 0.1)
    {
        ArgumentNullException.ThrowIfNull(eigenvalues);
        ArgumentNullException.ThrowIfNull(eigenvectors);
        int channels = eigenvalues.Length;
        if (channels == 0) throw new ArgumentException("eigenvalues is empty: give one per channel.", nameof(eigenvalues));
        if (eigenvectors.GetLength(0) != channels || eigenvectors.GetLength(1) != channels)
            throw new ArgumentException(
                $"eigenvectors is {eigenvectors.GetLength(0)}×{eigenvectors.GetLength(1)}; {channels} eigenvalues need {channels}×{channels}.", nameof(eigenvectors));
        foreach (double value in eigenvalues) AugmentArguments.InRange(value, 0, double.PositiveInfinity, nameof(eigenvalues));
        foreach (double value in eigenvectors)
            if (!double.IsFinite(value)) throw new ArgumentException($"eigenvectors holds {value}; every entry must be finite.", nameof(eigenvectors));
        AlphaStd = AugmentArguments.InRange(alphaStd, 0, double.PositiveInfinity, nameof(alphaStd));
        _eigenvalues = (double[])eigenvalues.Clone();
        _eigenvectors = (double[,])eigenvectors.Clone();
    }

    /// <summary>σ, the standard deviation of the per-component draws αᵢ.</summary>
    public double AlphaStd { get; }
    /// <summary>C, the number of color channels the eigen-decomposition is of (the images must have as many).</summary>
    public int Channels => _eigenvalues.Length;
    /// <summary>λ, the eigenvalues of the color covariance, one per channel.</summary>
    public IReadOnlyList<double> Eigenvalues => _eigenvalues;

    /// <summary>Column i is the eigenvector of <see cref="Eigenvalues"/>[i] (a copy).</summary>
    public double[,] Eigenvectors => (double[,])_eigenvectors.Clone();

    /// <summary>
    /// The RGB constants of fb.resnet.torch (datasets/imagenet.lua), used as they are by most PyTorch ports, for pixels
    /// in [0, 1] with σ = 0.1. Code working on [0, 255] pixels scales them by 255 (Gluon's eigval [55.46, 4.794, 1.148],
    /// mmpretrain's alphastd 25.5); the same shift in [0, 1] units is what this class adds.
    /// </summary>
    public static PcaLighting ImageNet(double alphaStd = 0.1) => new(
        [0.2175, 0.0188, 0.0045],
        new[,]
        {
            { -0.5675, 0.7192, 0.4009 },
            { -0.5808, -0.0045, -0.8140 },
            { -0.5836, -0.6948, 0.4203 },
        },
        alphaStd);

    /// <summary>
    /// The principal components of the colors of <paramref name="images"/> (planar [C, H, W] each, any size; the first
    /// <paramref name="maxImages"/> only, when given): the covariance over every pixel (<see cref="PixelCovariance"/>)
    /// and its eigen-decomposition (<see cref="SymmetricEigen"/>); λ are then the variances along the principal axes, as
    /// in the paper. Give the pixels as the augmentation will see them (before normalization), so the shift is in their
    /// units. The published ImageNet λ₁ = 0.2175 exceeds the total variance of ImageNet's [0, 1] pixels (0.229² + 0.224²
    /// + 0.225² ≈ 0.153), so it is not such a variance (its derivation is undocumented): on ImageNet-like images this
    /// method gives a smaller λ₁, and a weaker noise than <see cref="ImageNet"/> at the same σ.
    /// </summary>
    public static PcaLighting FromImages(IEnumerable<ReadOnlyMemory<float>> images, int channels, double alphaStd = 0.1, int? maxImages = null)
    {
        ArgumentNullException.ThrowIfNull(images);
        if (maxImages is { } limit)
            images = images.Take(PositiveCount(limit));
        var (values, vectors) = SymmetricEigen.Decompose(PixelCovariance.Of(images, channels));
        // A covariance has no negative eigenvalue; rounding can leave one at −1e-18.
        return new PcaLighting(values.Select(v => Math.Max(0, v)).ToArray(), vectors, alphaStd);
    }

    /// <summary>As the other overload, over a dataset's images; with <paramref name="maxImages"/>, that many images evenly spread over it.</summary>
    public static PcaLighting FromImages(ImageDataset data, double alphaStd = 0.1, int? maxImages = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        int count = Math.Min(data.Count, maxImages is { } limit ? PositiveCount(limit) : data.Count);
        var images = Enumerable.Range(0, count).Select(i => data.PixelMemory((int)((long)i * data.Count / count)));
        return FromImages(images, data.Channels, alphaStd);
    }

    /// <inheritdoc/>
    public void Apply(AugmentationSample sample, Random random)
    {
        Span<double> alphas = stackalloc double[Channels];
        for (int i = 0; i < alphas.Length; i++) alphas[i] = AlphaStd * random.Normal();
        Shift(sample, alphas);
    }

    /// <summary>Adds Σᵢ αᵢ·λᵢ·vᵢ to every pixel: channel c is shifted by Σᵢ V[c, i]·αᵢ·λᵢ.</summary>
    internal void Shift(AugmentationSample sample, ReadOnlySpan<double> alphas)
    {
        if (sample.Channels != Channels)
            throw new ArgumentException($"This PcaLighting was built for {Channels}-channel images; the image has {sample.Channels} channels.", nameof(sample));
        for (int c = 0; c < Channels; c++)
        {
            double shift = 0;
            for (int i = 0; i < Channels; i++) shift += _eigenvectors[c, i] * alphas[i] * _eigenvalues[i];
            System.Numerics.Tensors.TensorPrimitives.Add(sample.Plane(c), (float)shift, sample.Plane(c));
        }
    }

    private static int PositiveCount(int maxImages) =>
        maxImages > 0 ? maxImages : throw new ArgumentOutOfRangeException(nameof(maxImages), maxImages, $"maxImages must be positive; {maxImages} was given.");
}
